using TorchSharp;
using static TorchSharp.torch;

namespace FedHealth.Learning.Torch.PerSample;

/// <summary>
/// The reference for per-sample gradients: one forward and one backward pass per row, exact for any model and slow
/// (a DP-SGD step cost 25x a plain one at batch 32). Tests hold the batched pass to it; DP-SGD falls back to it only
/// for a layer the batched pass does not know.
/// </summary>
public static class PerRowClipping
{
    public static ClippedGradients Clip(nn.Module<Tensor, Tensor> model, Tensor inputs, Tensor labels, Func<Tensor, Tensor, Tensor> perRowLoss,
        double clipNorm)
    {
        var parameters = model.parameters().ToList();
        var sums = parameters.Select(p => zeros_like(p)).ToList();
        var rows = inputs.shape[0];
        var norms = new float[rows];
        for (var row = 0; row < rows; row++)
        {
            using var rowScope = NewDisposeScope();
            model.zero_grad();
            perRowLoss(model.forward(inputs.narrow(0, row, 1)), labels.narrow(0, row, 1)).sum().backward();
            var norm = Math.Sqrt(parameters.Sum(p => p.grad!.pow(2).sum().item<float>()));
            var factor = Math.Min(1.0, clipNorm / (norm + 1e-12));
            for (var i = 0; i < parameters.Count; i++) sums[i].add_(parameters[i].grad!, alpha: factor);
            norms[row] = (float)norm;
        }
        model.zero_grad();
        return new ClippedGradients(tensor(norms, device: inputs.device), sums);
    }
}
