using TorchSharp;
using static TorchSharp.torch;

namespace FedHealth.Learning.Torch;

/// <summary>
/// SCAFFOLD's correction of a site's local steps (Karimireddy et al., ICML 2020): each mini-batch step uses
/// g(y) − cᵢ + c instead of the gradient g(y), which steers the site's drift back towards the federation's direction.
/// Holds c − cᵢ per parameter tensor, on the training device; see FedHealth.Learning.Strategies.ScaffoldControl for
/// the control updates themselves.
/// </summary>
public sealed class ControlVariates : IDisposable
{
    private readonly List<Tensor> correction;

    private ControlVariates(List<Tensor> correction) => this.correction = correction;

    /// <summary>c − cᵢ (<paramref name="correction"/>, flat in the model's parameter order) cut into the model's parameter shapes on <paramref
    /// name="device"/>.</summary>
    public static ControlVariates For(nn.Module model, ReadOnlySpan<float> correction, Device device)
    {
        var parameters = model.parameters().ToList();
        var total = parameters.Sum(p => p.numel());
        if (total != correction.Length) throw new ArgumentException($"the control correction holds {correction.Length} values, the model {total}");
        var tensors = new List<Tensor>(parameters.Count);
        var offset = 0;
        foreach (var p in parameters)
        {
            var count = (int)p.numel();
            tensors.Add(tensor(correction.Slice(offset, count).ToArray(), p.shape).to(device));
            offset += count;
        }
        return new ControlVariates(tensors);
    }

    /// <summary>Adds c − cᵢ to each parameter's gradient: call after backward() and before the optimiser's step.</summary>
    public void Correct(IReadOnlyList<TorchSharp.Modules.Parameter> parameters)
    {
        if (parameters.Count != correction.Count)
            throw new ArgumentException($"the model has {parameters.Count} parameter tensors, the control {correction.Count}");
        using var _ = no_grad();
        for (var i = 0; i < parameters.Count; i++)
        {
            var grad = parameters[i].grad ?? throw new InvalidOperationException($"parameter {i} has no gradient to correct (call after backward())");
            grad.add_(correction[i]);
        }
    }

    public void Dispose()
    {
        foreach (var t in correction) t.Dispose();
    }
}
