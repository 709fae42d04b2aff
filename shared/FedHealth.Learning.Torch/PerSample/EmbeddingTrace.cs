using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FedHealth.Learning.Torch.PerSample;

/// <summary>
/// An embedding table that looked up one code per row: row i's gradient is δᵢ in the table's row of its code and zero
/// elsewhere, so its norm is ‖δᵢ‖ and the clipped sum adds cᵢ·δᵢ into the rows of the codes.
/// </summary>
internal sealed class EmbeddingTrace(Embedding table, Tensor codes, Tensor output) : LayerTrace(output)
{
    public override Tensor SquaredNorms(Tensor delta) => delta.pow(2).sum(1);

    public override IEnumerable<(Parameter Parameter, Tensor Sum)> ClippedSums(Tensor delta, Tensor factors)
    {
        yield return (table.weight!, zeros_like(table.weight!).index_add_(0, codes, delta * PerRow(factors, 2), 1));
    }
}
