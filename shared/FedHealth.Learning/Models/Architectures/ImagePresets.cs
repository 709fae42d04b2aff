using FedHealth.Contracts;
using static FedHealth.Contracts.LayerKinds;

namespace FedHealth.Learning.Models.Architectures;

/// <summary>
/// The image presets, written in the same layer vocabulary as any declared model (so a hospital approves them by the
/// same digest and builds them from the same vetted layers). Both read an image [channels, height, width].
/// <list type="bullet">
/// <item>"small-cnn": conv 3×3 16 (padded) → relu → maxpool 2 → conv 3×3 32 (padded) → relu → adaptive avg pool 4 → flatten → linear; about
/// 10,000 parameters for 10 classes, and every layer has a per-sample gradient formula, so it trains under DP-SGD.</item>
/// <item>"resnet18": ResNet-18 (He et al. 2016) for small images: a 3×3 stem of 64 channels without the stride-2 stem and
/// its max pool, four stages of two basic blocks (64, 128, 256, 512 channels; the first block of each later stage strides
/// 2 and its shortcut is a strided 1×1 convolution with batch norm), global average pool, linear. 11.2 M parameters for
/// 10 classes. Its batch norm rules out DP-SGD; FedBN keeps its statistics at each site.</item>
/// </list>
/// </summary>
public static class ImagePresets
{
    public static IReadOnlyList<LayerSpec> Layers(string kind, int[] input, int outputs)
    {
        if (input.Length != 3)
            throw new ArchitectureException($"the {kind} preset reads an image [channels, height, width] (an image schema's input), " +
                $"but this model's input is {Architecture.Show(input)}");
        return kind == ModelKinds.SmallCnn ? SmallCnn(outputs) : ResNet18(outputs);
    }

    private static IReadOnlyList<LayerSpec> SmallCnn(int outputs) =>
    [
        new() { Kind = Conv2d, Name = "conv1", Units = 16, Kernel = 3, Padding = 1 },
        new() { Kind = Relu, Name = "relu1" },
        new() { Kind = MaxPool2d, Name = "pool1", Kernel = 2 },
        new() { Kind = Conv2d, Name = "conv2", Units = 32, Kernel = 3, Padding = 1 },
        new() { Kind = Relu, Name = "relu2" },
        new() { Kind = AdaptiveAvgPool2d, Name = "pool2", Output = 4 },
        new() { Kind = Flatten, Name = "flatten" },
        new() { Kind = Linear, Name = "output", Units = outputs },
    ];

    private static IReadOnlyList<LayerSpec> ResNet18(int outputs)
    {
        var layers = new List<LayerSpec>
        {
            new() { Kind = Conv2d, Name = "stem", Units = 64, Kernel = 3, Padding = 1, Bias = false },
            new() { Kind = BatchNorm2d, Name = "stem_bn" },
            new() { Kind = Relu, Name = "stem_relu" },
        };
        int[] widths = [64, 128, 256, 512];
        for (var stage = 0; stage < widths.Length; stage++)
            for (var block = 0; block < 2; block++)
            {
                var stride = stage > 0 && block == 0 ? 2 : 1;
                var name = $"stage{stage + 1}_block{block + 1}";
                layers.Add(BasicBlock(name, widths[stage], stride, projected: stride != 1));
                layers.Add(new LayerSpec { Kind = Relu, Name = $"{name}_relu" });
            }
        layers.Add(new LayerSpec { Kind = AdaptiveAvgPool2d, Name = "pool", Output = 1 });
        layers.Add(new LayerSpec { Kind = Flatten, Name = "flatten" });
        layers.Add(new LayerSpec { Kind = Linear, Name = "output", Units = outputs });
        return layers;
    }

    /// <summary>conv 3×3 → bn → relu → conv 3×3 → bn, added to the input (or to its strided 1×1 projection where the shape changes).</summary>
    private static LayerSpec BasicBlock(string name, int channels, int stride, bool projected) => new()
    {
        Kind = Residual, Name = name,
        Layers =
        [
            new() { Kind = Conv2d, Name = "conv1", Units = channels, Kernel = 3, Stride = stride, Padding = 1, Bias = false },
            new() { Kind = BatchNorm2d, Name = "bn1" },
            new() { Kind = Relu, Name = "relu" },
            new() { Kind = Conv2d, Name = "conv2", Units = channels, Kernel = 3, Padding = 1, Bias = false },
            new() { Kind = BatchNorm2d, Name = "bn2" },
        ],
        Shortcut = projected
            ?
            [
                new() { Kind = Conv2d, Name = "conv", Units = channels, Kernel = 1, Stride = stride, Bias = false },
                new() { Kind = BatchNorm2d, Name = "bn" },
            ]
            : null,
    };
}
