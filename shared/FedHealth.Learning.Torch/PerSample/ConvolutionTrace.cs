using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FedHealth.Learning.Torch.PerSample;

/// <summary>
/// A 1-d or 2-d convolution (no groups, no dilation, as declared models build them): with Uᵢ the input's unfolded
/// windows (im2col, [in·kernel, positions]) row i's weight gradient is δᵢ·Uᵢᵀ and its bias gradient δᵢ summed over
/// positions. Each row's gradient is made once ([batch, out, in·kernel], the size of the weight per row) and serves
/// both the norms and the clipped sum.
/// </summary>
internal sealed class ConvolutionTrace(Convolution layer, Tensor input, Tensor output) : LayerTrace(output)
{
    private Tensor? perRowWeight;

    public override Tensor SquaredNorms(Tensor delta)
    {
        var norms = PerRowWeight(delta).pow(2).sum([1, 2]);
        return layer.bias is null ? norms : norms + PerRowBias(delta).pow(2).sum(1);
    }

    public override IEnumerable<(Parameter Parameter, Tensor Sum)> ClippedSums(Tensor delta, Tensor factors)
    {
        yield return (layer.weight, einsum("b,boi->oi", factors, PerRowWeight(delta)).reshape(layer.weight.shape));
        if (layer.bias is not null) yield return (layer.bias, factors.matmul(PerRowBias(delta)));
    }

    private Tensor PerRowWeight(Tensor delta) =>
        perRowWeight ??= einsum("bot,bit->boi", delta.reshape(delta.shape[0], delta.shape[1], -1), Windows());

    private static Tensor PerRowBias(Tensor delta) => delta.reshape(delta.shape[0], delta.shape[1], -1).sum(2);

    /// <summary>The input's windows [batch, in·kernel, positions]; a 1-d input is unfolded as an image of height 1.</summary>
    private Tensor Windows()
    {
        var kernel = layer.kernel_size;
        var stride = layer.stride;
        var padding = layer.padding ?? throw new NotSupportedException("a convolution padded by mode ('same') is not built by declared models");
        return input.dim() == 3
            ? nn.functional.unfold(input.unsqueeze(2), (1, kernel[0]), padding: (0, padding[0]), stride: (1, stride[0]))
            : nn.functional.unfold(input, (kernel[0], kernel[1]), padding: (padding[0], padding[1]), stride: (stride[0], stride[1]));
    }
}
