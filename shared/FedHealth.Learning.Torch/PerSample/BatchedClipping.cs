using TorchSharp;
using static TorchSharp.torch;

namespace FedHealth.Learning.Torch.PerSample;

/// <summary>
/// Per-sample gradients of a whole batch in one pass (the idea of Opacus, Yousefpour et al. 2021): a traced forward
/// keeps each layer's input and output; one backward pass, <c>autograd.grad(Σᵢ ℓᵢ, outputs)</c>, gives every row's
/// gradient at every layer's output; each layer then turns (input, δ) into its rows' gradient norms, and, once the clip
/// factors are known, into the clipped sum. Same figures as <see cref="PerRowClipping"/>, at the cost of about two
/// plain steps instead of one backward pass per row.
/// </summary>
public static class BatchedClipping
{
    /// <summary>Why this model's per-sample gradients need <see cref="PerRowClipping"/> (naming the layer); null when they do not.</summary>
    public static string? CannotBatch(nn.Module<Tensor, Tensor> model) => TracedForward.Untraceable(model);

    /// <param name="perRowLoss">The loss of each row, [batch] (<see cref="PerRowLosses"/>).</param>
    public static ClippedGradients Clip(nn.Module<Tensor, Tensor> model, Tensor inputs, Tensor labels, Func<Tensor, Tensor, Tensor> perRowLoss,
        double clipNorm)
    {
        var parameters = model.parameters().ToList();
        if (inputs.shape[0] == 0) return new ClippedGradients(zeros(0, device: inputs.device), parameters.Select(p => zeros_like(p)).ToList());
        var traces = new List<LayerTrace>();
        var losses = perRowLoss(TracedForward.Run(model, inputs, traces), labels);
        var deltas = autograd.grad([losses.sum()], traces.Select(t => t.Output).ToList());
        using var _ = no_grad();
        var squared = zeros(inputs.shape[0], device: inputs.device);
        for (var i = 0; i < traces.Count; i++) squared.add_(traces[i].SquaredNorms(deltas[i]));
        var norms = squared.sqrt();
        var factors = (clipNorm / (norms + 1e-12)).clamp_max(1);
        var sums = new Dictionary<(IntPtr, long), Tensor>();
        for (var i = 0; i < traces.Count; i++)
            foreach (var (parameter, sum) in traces[i].ClippedSums(deltas[i], factors))
                sums[Where(parameter)] = sums.TryGetValue(Where(parameter), out var earlier) ? earlier + sum : sum;
        return new ClippedGradients(norms, parameters.Select(p => sums.TryGetValue(Where(p), out var sum) ? sum
            : throw new InvalidOperationException($"no per-sample gradient was traced for a parameter of shape [{string.Join(", ", p.shape)}]")).ToList());
    }

    /// <summary>
    /// Where a parameter's values live: some modules (embedding) hand out a new wrapper of the same parameter at every
    /// call, so the wrapper's identity cannot match a layer's parameter to the model's list.
    /// </summary>
    private static (IntPtr Storage, long Offset) Where(Tensor parameter)
    {
        using var storage = parameter.storage<float>();
        return (storage.data_ptr(), parameter.storage_offset());
    }
}
