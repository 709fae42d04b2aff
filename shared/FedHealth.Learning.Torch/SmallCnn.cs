using FedHealth.Learning.Models;
using FedHealth.Learning.Models.Architectures;
using static FedHealth.Contracts.LayerKinds;

namespace FedHealth.Learning.Torch;

/// <summary>
/// The small CNN of issue 17's benchmarks (conv2d 16 → relu → maxpool 2 → conv2d 32 → relu → adaptive avg pool 4 →
/// flatten → linear), built from resolved layers like any declared network. It takes an image [channels, side, side],
/// which the schema-driven resolver does not give yet (image data at a site is issue 17's other part), so benches and
/// tests build it here rather than from a job's spec.
/// </summary>
public static class SmallCnn
{
    public static DeclaredNetwork Create(int channels, int side, int outputs)
    {
        var pooled = (side - 2) / 2;
        ResolvedLayer[] layers =
        [
            new(Conv2d, "conv1", [channels, side, side], [16, side - 2, side - 2]) { Units = 16, Kernel = 3, Stride = 1, Bias = true },
            new(Relu, "relu1", [16, side - 2, side - 2], [16, side - 2, side - 2]),
            new(MaxPool2d, "pool1", [16, side - 2, side - 2], [16, pooled, pooled]) { Kernel = 2, Stride = 2 },
            new(Conv2d, "conv2", [16, pooled, pooled], [32, pooled - 2, pooled - 2]) { Units = 32, Kernel = 3, Stride = 1, Bias = true },
            new(Relu, "relu2", [32, pooled - 2, pooled - 2], [32, pooled - 2, pooled - 2]),
            new(AdaptiveAvgPool2d, "pool2", [32, pooled - 2, pooled - 2], [32, 4, 4]) { OutputSize = 4 },
            new(Flatten, "flatten", [32, 4, 4], [512]),
            new(Linear, "output", [512], [outputs]) { Units = outputs, Bias = true },
        ];
        return new DeclaredNetwork(new ResolvedArchitecture([channels, side, side], layers, [outputs], new ParameterLayout([]), Digest: ""));
    }
}
