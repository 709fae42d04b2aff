using FedHealth.Contracts;
using FedHealth.Learning.Torch.PerSample;
using TorchSharp;
using static TorchSharp.torch;

namespace FedHealth.Learning.Torch;

/// <summary>
/// One DP-SGD step on the rows already sampled: each row's gradient clipped to C, Gaussian noise N(0, (σC)²) added to
/// the sum, divided by the expected batch qN, plus FedProx's gradient when given, and an SGD step. The trainer and the
/// step-time bench both take exactly this step.
/// </summary>
public static class DpSgdStep
{
    /// <param name="parameters">The model's parameters in <c>model.parameters()</c> order.</param>
    /// <param name="perRow">One backward pass per row (the reference) instead of the batched pass.</param>
    public static void Take(nn.Module<Tensor, Tensor> model, IReadOnlyList<TorchSharp.Modules.Parameter> parameters, Tensor rows, Tensor labels,
        Func<Tensor, Tensor, Tensor> perRowLoss, DpSgdSettings dp, double expectedBatch, double learningRate, ProximalTerm? proximal, bool perRow)
    {
        using var scope = NewDisposeScope();
        var clipped = perRow
            ? PerRowClipping.Clip(model, rows, labels, perRowLoss, dp.ClipNorm)
            : BatchedClipping.Clip(model, rows, labels, perRowLoss, dp.ClipNorm);
        using var _ = no_grad();
        for (var i = 0; i < parameters.Count; i++)
        {
            // (sum + noise) / qN, made in place: the noise is as large as the model, and a step should not copy it thrice.
            var noisy = randn_like(clipped.Sums[i]).mul_(dp.NoiseMultiplier * dp.ClipNorm).add_(clipped.Sums[i]).div_(expectedBatch);
            if (proximal is not null) noisy.add_(proximal.Gradient(i));
            parameters[i].add_(noisy, alpha: -learningRate);
        }
    }
}
