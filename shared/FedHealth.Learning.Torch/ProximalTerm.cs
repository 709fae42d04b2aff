using TorchSharp;
using static TorchSharp.torch;

namespace FedHealth.Learning.Torch;

/// <summary>
/// FedProx's proximal term (Li et al., MLSys 2020): μ/2·‖w − w₀‖² with w₀ the round's global model, which keeps a
/// site's local steps close to it when sites' data differ. Its gradient μ(w − w₀) does not depend on any record.
/// </summary>
public sealed class ProximalTerm : IDisposable
{
    private readonly List<Tensor> anchor;
    private readonly IReadOnlyList<TorchSharp.Modules.Parameter> parameters;
    private readonly double mu;

    private ProximalTerm(IReadOnlyList<TorchSharp.Modules.Parameter> parameters, IEnumerable<Tensor> anchorAt, double mu)
    {
        this.parameters = parameters;
        this.mu = mu;
        anchor = anchorAt.Select(p => p.detach().clone().to(parameters[0].device)).ToList();
    }

    /// <summary>The term anchored at the model's current weights (the global model, before training); null when μ is 0.</summary>
    public static ProximalTerm? At(nn.Module model, double mu) => mu > 0 ? new ProximalTerm(model.parameters().ToList(), model.parameters(), mu) : null;

    /// <summary>The term anchored at another module's weights (Ditto: a personal model held to the global one); null when μ is 0.</summary>
    public static ProximalTerm? Towards(nn.Module model, nn.Module anchor, double mu) =>
        mu > 0 ? new ProximalTerm(model.parameters().ToList(), anchor.parameters(), mu) : null;

    /// <summary>μ/2·Σ‖p − p₀‖², to add to the loss before backward().</summary>
    public Tensor Loss()
    {
        Tensor? total = null;
        for (var i = 0; i < parameters.Count; i++)
        {
            var squared = (parameters[i] - anchor[i]).pow(2).sum();
            total = total is null ? squared : total + squared;
        }
        return total! * (mu / 2);
    }

    /// <summary>μ(p − p₀) for parameter <paramref name="index"/>: the term's gradient, for optimisers that step by hand (DP-SGD).</summary>
    public Tensor Gradient(int index) => (parameters[index].detach() - anchor[index]) * mu;

    public void Dispose()
    {
        foreach (var t in anchor) t.Dispose();
    }
}
