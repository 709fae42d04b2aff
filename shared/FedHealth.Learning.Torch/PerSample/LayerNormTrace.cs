using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FedHealth.Learning.Torch.PerSample;

/// <summary>
/// Layer norm over the last dimension, output x̂·w + b: row i's gradients are Σₜ δᵢₜ ⊙ x̂ᵢₜ (weight) and Σₜ δᵢₜ (bias)
/// over its positions t. <paramref name="normalised"/> is x̂, computed apart from the graph.
/// </summary>
internal sealed class LayerNormTrace(LayerNorm layer, Tensor normalised, Tensor output) : LayerTrace(output)
{
    public override Tensor SquaredNorms(Tensor delta)
    {
        var norms = PerRowWeight(delta).pow(2).sum(1);
        return layer.bias is null ? norms : norms + PerRowBias(delta).pow(2).sum(1);
    }

    public override IEnumerable<(Parameter Parameter, Tensor Sum)> ClippedSums(Tensor delta, Tensor factors)
    {
        yield return (layer.weight!, factors.matmul(PerRowWeight(delta)));
        if (layer.bias is not null) yield return (layer.bias, factors.matmul(PerRowBias(delta)));
    }

    private Tensor PerRowWeight(Tensor delta) => Positions(delta * normalised).sum(1);

    private static Tensor PerRowBias(Tensor delta) => Positions(delta).sum(1);

    private static Tensor Positions(Tensor t) => t.reshape(t.shape[0], -1, t.shape[^1]);
}
