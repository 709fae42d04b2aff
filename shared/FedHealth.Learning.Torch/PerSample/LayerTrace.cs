using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FedHealth.Learning.Torch.PerSample;

/// <summary>
/// What one layer with parameters was given and gave in a traced forward pass. With δ = ∂(Σℓᵢ)/∂output, whose row i is
/// ∂ℓᵢ/∂outputᵢ because rows do not mix, each row's gradient of the layer's parameters follows from its input and δ alone.
/// </summary>
internal abstract class LayerTrace(Tensor output)
{
    public Tensor Output { get; } = output;

    /// <summary>‖gᵢ‖² over this layer's parameters, one value per row ([batch]).</summary>
    public abstract Tensor SquaredNorms(Tensor delta);

    /// <summary>Σᵢ cᵢ·gᵢ for each of this layer's parameters, with cᵢ the rows' clip factors ([batch]).</summary>
    public abstract IEnumerable<(Parameter Parameter, Tensor Sum)> ClippedSums(Tensor delta, Tensor factors);

    /// <summary>The factors shaped to scale a [batch, ...] tensor of the given rank row by row.</summary>
    protected static Tensor PerRow(Tensor factors, long rank) => factors.reshape([factors.shape[0], .. Enumerable.Repeat(1L, (int)rank - 1)]);
}
