using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FedHealth.Learning.Torch.PerSample;

/// <summary>
/// A linear layer, which in a declared network always reads a vector (the resolver refuses anything else): row i's
/// weight gradient is δᵢ ⊗ aᵢ and its bias gradient δᵢ. The norm needs no per-row matrix, ‖δᵢ ⊗ aᵢ‖² = ‖δᵢ‖²·‖aᵢ‖²
/// (the ghost norm), and the clipped sum is one matrix product, (c ⊙ δ)ᵀ·a.
/// </summary>
internal sealed class LinearTrace(Linear layer, Tensor input, Tensor output) : LayerTrace(output)
{
    public override Tensor SquaredNorms(Tensor delta)
    {
        var deltaNorms = delta.pow(2).sum(1);
        return deltaNorms * (layer.bias is null ? input.pow(2).sum(1) : input.pow(2).sum(1) + 1);
    }

    public override IEnumerable<(Parameter Parameter, Tensor Sum)> ClippedSums(Tensor delta, Tensor factors)
    {
        var weighted = delta * PerRow(factors, 2);
        yield return (layer.weight, weighted.t().mm(input));
        if (layer.bias is not null) yield return (layer.bias, weighted.sum(dim: 0));
    }
}
