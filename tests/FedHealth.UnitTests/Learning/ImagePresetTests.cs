using FedHealth.Contracts;
using FedHealth.Learning.Jobs;
using FedHealth.Learning.Models;
using FedHealth.Learning.Models.Architectures;
using FedHealth.Learning.Torch;
using FedHealth.Tests.Support;
using static TorchSharp.torch;
using L = FedHealth.Contracts.LayerKinds;

namespace FedHealth.Tests.Learning;

/// <summary>The image presets are declared layers like any model: their sizes, shapes and parameter layout, and the shortcut they need.</summary>
[Collection(TorchCollection.Name)]
public sealed class ImagePresetTests
{
    private static ModelSpec Image(string kind, int channels = 1, int side = 28, int classes = 10) => new()
    {
        Kind = kind, Features = channels * side * side, Input = [channels, side, side], Task = ModelTasks.Multiclass, Classes = classes,
    };

    [Fact]
    public void Resnet18_has_eleven_million_parameters_and_its_layout_is_what_torch_builds()
    {
        var spec = Image(ModelKinds.ResNet18, channels: 3, side: 32);
        var resolved = Architecture.Resolve(spec);
        var trained = resolved.Layout.Parameters.Where(p => !p.Buffer).Sum(p => (long)p.Count);

        // ResNet-18's 11,689,512 for ImageNet, less its 7×7 stem (9,408) for a 3×3 one (1,728), and its 1000-way head for ten (5,130).
        Assert.Equal(11_173_962, trained);
        Assert.Equal(20, ResolvedArchitecture.Flatten(resolved.Layers).Count(l => l.Kind == L.BatchNorm2d));
        Assert.Equal(3, resolved.Layers.Count(l => l.Shortcut.Count > 0));

        using var scope = NewDisposeScope();
        using var model = TorchModels.Create(spec);
        Assert.Equal(trained, model.parameters().Sum(p => p.numel()));
        var named = model.named_parameters().Select(p => p.name).Concat(model.named_buffers().Select(b => b.name))
            .Where(n => !n.EndsWith("num_batches_tracked", StringComparison.Ordinal)).Order(StringComparer.Ordinal);
        Assert.Equal(resolved.Layout.Parameters.Select(p => p.Name).Order(StringComparer.Ordinal), named);
        Assert.Contains("stage2_block1.shortcut.conv.weight", resolved.Layout.Parameters.Select(p => p.Name));
        model.eval();
        Assert.Equal(new long[] { 2, 10 }, model.forward(randn(2, 3, 32, 32)).shape);
    }

    [Fact]
    public void The_small_cnn_reads_an_image_and_ends_in_one_logit_per_class()
    {
        var spec = Image(ModelKinds.SmallCnn);
        var resolved = Architecture.Resolve(spec);

        Assert.Equal(9_930, resolved.Layout.TotalCount);
        Assert.Equal(new[] { 1, 28, 28 }, resolved.Input);
        using var scope = NewDisposeScope();
        using var model = TorchModels.Create(spec);
        Assert.Equal(new long[] { 4, 10 }, model.forward(randn(4, 1, 28, 28)).shape);
        Assert.Null(FedHealth.Learning.Torch.PerSample.BatchedClipping.CannotBatch(model));
    }

    [Theory]
    [InlineData(ModelKinds.SmallCnn)]
    [InlineData(ModelKinds.ResNet18)]
    public void An_image_preset_on_a_vector_is_refused_naming_the_input(string kind)
    {
        var e = Assert.Throws<ArchitectureException>(() => Architecture.Resolve(new ModelSpec { Kind = kind, Features = 8 }));
        Assert.Equal($"the {kind} preset reads an image [channels, height, width] (an image schema's input), but this model's input is [8]", e.Message);
    }

    [Theory]
    [InlineData(new[] { 1, 28, 29 }, "input [1, 28, 29] holds 812 values, but features says 784")]
    [InlineData(new[] { 1, 0, 28 }, "input [1, 0, 28] must be 1 to 3 sides, each 1 to 16,777,216")]
    [InlineData(new[] { 1, 1, 28, 28 }, "input [1, 1, 28, 28] must be 1 to 3 sides, each 1 to 16,777,216")]
    public void An_input_shape_that_does_not_fit_the_features_is_refused(int[] input, string expected)
    {
        var spec = Image(ModelKinds.SmallCnn) with { Input = input };
        Assert.Equal(expected, Assert.Throws<ArchitectureException>(() => Architecture.Resolve(spec)).Message);
    }

    [Fact]
    public void A_shortcut_must_give_the_blocks_shape_and_a_block_without_one_keeps_its_digest()
    {
        LayerSpec Conv(int units, int stride = 1) => new() { Kind = L.Conv2d, Name = "conv", Units = units, Kernel = 3, Padding = 1, Stride = stride };
        var widening = new LayerSpec { Kind = L.Residual, Name = "block", Layers = [Conv(8, stride: 2)] };
        ModelSpec Spec(params LayerSpec[] layers) => new()
        {
            Kind = ModelKinds.Declared, Features = 64, Input = [1, 8, 8],
            Layers = [.. layers, new() { Kind = L.Flatten }, new() { Kind = L.Linear, Units = 1 }],
        };

        var e = Assert.Throws<ArchitectureException>(() => Architecture.Resolve(Spec(widening)));
        Assert.StartsWith("layer 0 (residual): its layers turn [1, 8, 8] into [8, 4, 4]; a residual block must keep its input's shape", e.Message);
        var wrongShortcut = widening with { Shortcut = [new() { Kind = L.Conv2d, Name = "conv", Units = 8, Kernel = 1 }] };
        e = Assert.Throws<ArchitectureException>(() => Architecture.Resolve(Spec(wrongShortcut)));
        Assert.Equal("layer 0 (residual): its layers give [8, 4, 4] and its shortcut [8, 8, 8]; both must give the same shape", e.Message);
        var projected = widening with { Shortcut = [new() { Kind = L.Conv2d, Name = "conv", Units = 8, Kernel = 1, Stride = 2 }] };
        Assert.Contains("block.shortcut.conv.weight", Architecture.Resolve(Spec(projected)).Layout.Parameters.Select(p => p.Name));

        // The digest of a block without a shortcut is written as before shortcuts existed: hospitals' approvals stay valid.
        var plain = new LayerSpec { Kind = L.Residual, Name = "block", Layers = [Conv(1)] };
        var canonical = System.Text.Encoding.UTF8.GetString(ArchitectureDigest.Canonical([1, 8, 8], Architecture.Resolve(Spec(plain)).Layers));
        Assert.DoesNotContain("shortcut", canonical);
        Assert.Contains("shortcut", System.Text.Encoding.UTF8.GetString(ArchitectureDigest.Canonical([1, 8, 8], Architecture.Resolve(Spec(projected)).Layers)));
    }

    [Fact]
    public void An_image_job_must_declare_the_images_shape_and_a_tabular_job_none()
    {
        JobSpec Job(ModelSpec model, params string[] features) => new() { Name = "j", Schema = "s", FeatureNames = features, Model = model };

        Assert.Empty(JobSpecRules.Problems(Job(Image(ModelKinds.SmallCnn), "image:1x28x28")));
        Assert.Contains("model.input: the job's data is images of shape [1, 28, 28] (feature 'image:1x28x28'): the model must say \"input\": [1, 28, 28] " +
            "and \"features\": 784", JobSpecRules.Problems(Job(Image(ModelKinds.SmallCnn, side: 14), "image:1x28x28")));
        Assert.Contains("model.input: only a job on images (featureNames one 'image:CxHxW' feature) declares an input shape",
            JobSpecRules.Problems(Job(Image(ModelKinds.SmallCnn) with { Features = 784 }, Enumerable.Range(0, 784).Select(i => $"p{i}").ToArray())));
        var problems = JobSpecRules.Problems(Job(Image(ModelKinds.ResNet18), "image:1x28x28") with
        {
            Privacy = new DpSgdSettings { SamplingRate = 0.01, ClipNorm = 1, NoiseMultiplier = 1 },
        });
        Assert.Contains(problems, p => p.StartsWith("model: batchnorm2d mixes the rows of a batch, so DP-SGD's per-example gradients are not defined"));
    }
}
