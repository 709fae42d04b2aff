using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FedHealth.Learning.Torch.PerSample;

/// <summary>
/// A 1-d or 2-d convolution (no groups, no dilation, as declared models build them): with Uᵢ the input's unfolded
/// windows (im2col, [in·kernel, positions]) row i's weight gradient is δᵢ·Uᵢᵀ and its bias gradient δᵢ summed over
/// positions. The weight's norm comes by whichever way holds less per row: forming each row's gradient ([out, in·kernel],
/// the weight's size), or the ghost norm ‖δᵢUᵢᵀ‖² = Σ (δᵢᵀδᵢ) ⊙ (UᵢᵀUᵢ) over pairs of positions ([positions²]), which wins
/// in the deep layers of a large network, where the weight is big and the image small.
/// </summary>
internal sealed class ConvolutionTrace(Convolution layer, Tensor input, Tensor output) : LayerTrace(output)
{
    private Tensor? windows;
    private Tensor? perRowWeight;

    /// <summary>Positions² against the weight's size: the smaller is what a row's norm costs in memory.</summary>
    private bool Ghost => Positions * Positions < layer.weight.numel();

    private long Positions => Output.numel() / (Output.shape[0] * Output.shape[1]);

    public override Tensor SquaredNorms(Tensor delta)
    {
        var norms = Ghost ? GhostNorms(delta) : PerRowWeight(delta).pow(2).sum([1, 2]);
        return layer.bias is null ? norms : norms + PerRowBias(delta).pow(2).sum(1);
    }

    public override IEnumerable<(Parameter Parameter, Tensor Sum)> ClippedSums(Tensor delta, Tensor factors)
    {
        var weight = Ghost ? einsum("bot,bit->oi", ByPosition(delta) * PerRow(factors, 3), Windows())
            : einsum("b,boi->oi", factors, PerRowWeight(delta));
        yield return (layer.weight, weight.reshape(layer.weight.shape));
        if (layer.bias is not null) yield return (layer.bias, factors.matmul(PerRowBias(delta)));
    }

    private Tensor GhostNorms(Tensor delta)
    {
        var deltas = ByPosition(delta);
        var unfolded = Windows();
        return (deltas.transpose(1, 2).bmm(deltas) * unfolded.transpose(1, 2).bmm(unfolded)).sum([1, 2]);
    }

    private Tensor PerRowWeight(Tensor delta) => perRowWeight ??= einsum("bot,bit->boi", ByPosition(delta), Windows());

    private static Tensor PerRowBias(Tensor delta) => ByPosition(delta).sum(2);

    /// <summary>δ as [batch, out, positions].</summary>
    private static Tensor ByPosition(Tensor delta) => delta.reshape(delta.shape[0], delta.shape[1], -1);

    /// <summary>The input's windows [batch, in·kernel, positions]; a 1-d input is unfolded as an image of height 1.</summary>
    private Tensor Windows()
    {
        if (windows is not null) return windows;
        var kernel = layer.kernel_size;
        var stride = layer.stride;
        var padding = layer.padding ?? throw new NotSupportedException("a convolution padded by mode ('same') is not built by declared models");
        return windows = input.dim() == 3
            ? nn.functional.unfold(input.unsqueeze(2), (1, kernel[0]), padding: (0, padding[0]), stride: (1, stride[0]))
            : nn.functional.unfold(input, (kernel[0], kernel[1]), padding: (padding[0], padding[1]), stride: (stride[0], stride[1]));
    }
}
