using System.Security.Cryptography;
using System.Text;
using FedHealth.Contracts;
using FedHealth.Learning.Models;
using FedHealth.Learning.Models.Architectures;

namespace FedHealth.Tests.Learning;

/// <summary>Declared models: the presets as layers, shape inference, each refusal naming its layer, and the digest.</summary>
public sealed class ArchitectureTests
{
    private static ModelSpec Declared(int features, params LayerSpec[] layers) => new() { Kind = ModelKinds.Declared, Features = features, Layers = layers };
    private static LayerSpec L(string kind) => new() { Kind = kind };
    private static LayerSpec Linear(int units, string? name = null) => new() { Kind = LayerKinds.Linear, Units = units, Name = name };

    [Fact]
    public void The_presets_resolve_to_the_parameters_the_fixed_models_always_had_and_start_from_the_same_weights()
    {
        var logistic = Architecture.Resolve(new ModelSpec { Kind = ModelKinds.Logistic, Features = 9 });
        Assert.Equal(["linear.weight", "linear.bias"], logistic.Layout.Parameters.Select(p => p.Name));
        Assert.Equal([[1, 9], [1]], logistic.Layout.Parameters.Select(p => p.Shape));
        var mlp = Architecture.Resolve(new ModelSpec { Kind = ModelKinds.Mlp, Features = 9, HiddenUnits = 16 });
        Assert.Equal(["hidden.weight", "hidden.bias", "output.weight", "output.bias"], mlp.Layout.Parameters.Select(p => p.Name));
        Assert.Equal([[16, 9], [16], [1, 16], [1]], mlp.Layout.Parameters.Select(p => p.Shape));

        // The initial weights the coordinator seeds are those of the layouts the presets were written as before.
        var before = new ParameterLayout([new("hidden.weight", [16, 9]), new("hidden.bias", [16]), new("output.weight", [1, 16]), new("output.bias", [1])]);
        Assert.Equal(FlatParameters.Initial(before, 7).Values, FlatParameters.Initial(mlp.Layout, 7).Values);
        Assert.Equal(FlatParameters.Initial(new ParameterLayout([new("linear.weight", [1, 9]), new("linear.bias", [1])]), 7).Values,
            FlatParameters.Initial(logistic.Layout, 7).Values);
    }

    [Fact]
    public void Every_shape_is_inferred_from_the_schemas_features_and_the_parameters_follow_the_layers()
    {
        var model = Architecture.Resolve(Declared(9,
            new LayerSpec { Kind = LayerKinds.Conv1d, Units = 4, Kernel = 3, Name = "conv" }, L(LayerKinds.Relu),
            new LayerSpec { Kind = LayerKinds.MaxPool1d, Kernel = 2 }, L(LayerKinds.Flatten), L(LayerKinds.LayerNorm),
            new LayerSpec { Kind = LayerKinds.Residual, Name = "block", Layers = [Linear(12, "inner"), L(LayerKinds.Gelu)] },
            new LayerSpec { Kind = LayerKinds.Dropout, P = 0.2 }, Linear(1, "head")));
        Assert.Equal([[9], [4, 7], [4, 7], [4, 3], [12], [12], [12], [12]], model.Layers.Select(l => l.Input));
        Assert.Equal([1], model.Output);
        Assert.True(model.Layers[0].AddsChannel);
        Assert.Equal(["conv.weight", "conv.bias", "layer4.weight", "layer4.bias", "block.inner.weight", "block.inner.bias", "head.weight", "head.bias"],
            model.Layout.Parameters.Select(p => p.Name));
        Assert.Equal([[4, 1, 3], [4], [12], [12], [12, 12], [12], [1, 12], [1]], model.Layout.Parameters.Select(p => p.Shape));
        Assert.Equal(3, model.Layout.Parameters[0].FanIn);
        Assert.Equal(4 * 3 + 4 + 12 + 12 + 144 + 12 + 12 + 1, model.Layout.TotalCount);
        Assert.Equal(new HashSet<string> { "conv1d", "relu", "maxpool1d", "flatten", "layernorm", "residual", "linear", "gelu", "dropout" }, model.Kinds);
        // A layer norm starts as the identity: weight 1, bias 0.
        var initial = FlatParameters.Initial(model.Layout, 1).Values;
        Assert.All(initial.AsSpan(16, 12).ToArray(), v => Assert.Equal(1f, v));
        Assert.All(initial.AsSpan(28, 12).ToArray(), v => Assert.Equal(0f, v));
    }

    [Theory]
    [InlineData("layer 0: unknown kind 'softmax2' (known: linear, conv1d, conv2d, maxpool1d, maxpool2d, avgpool1d, avgpool2d, adaptiveavgpool1d, " +
        "adaptiveavgpool2d, batchnorm1d, batchnorm2d, layernorm, dropout, relu, gelu, silu, tanh, sigmoid, flatten, embedding, residual)", "softmax2")]
    [InlineData("layer 1 (relu): takes no 'units' (it takes: nothing but a name)", "relu-units")]
    [InlineData("layer 0 (linear): needs 'units'", "linear-no-units")]
    [InlineData("layer 1 (linear): takes a vector, but its input is [4, 7] (add a flatten layer before it)", "linear-on-matrix")]
    [InlineData("layer 0 (conv1d): kernel 12 does not fit its input [9] (side 9, padding 0)", "kernel-too-big")]
    [InlineData("layer 0 (conv2d): takes [channels, height, width], but its input is [9]", "conv2d-on-vector")]
    [InlineData("layer 1 (maxpool1d): padding 2 is more than half the kernel 2", "pool-padding")]
    [InlineData("layer 1 (adaptiveavgpool1d): cannot pool its input [4, 7] up to output 8 (each side must be at least 8)", "adaptive-too-big")]
    [InlineData("layer 0 (batchnorm2d): takes [channels, height, width], but its input is [9]", "batchnorm2d-on-vector")]
    [InlineData("layer 0 (dropout): p 1 must lie in [0, 1)", "dropout-one")]
    [InlineData("layer 1 (embedding): reads a raw feature, so it must come first (before every layer but other embeddings)", "embedding-late")]
    [InlineData("layer 0 (embedding): feature 'colour' is not one of the job's features (f0, f1, f2, f3, f4, f5, f6, f7, f8)", "embedding-unknown")]
    [InlineData("layer 1 (embedding): feature 'f1' is embedded twice", "embedding-twice")]
    [InlineData("layer 0 (residual): its layers turn [9] into [4]; a residual block must keep its input's shape " +
        "(or pass the input through a shortcut of the same output shape)", "residual-shape")]
    [InlineData("layer 0 (residual) › layer 0 (linear): needs 'units'", "residual-inner")]
    [InlineData("the network ends in shape [4] at layer 0 (linear); a binary outcome needs [1] (end with a linear layer of 1 unit)", "no-head")]
    [InlineData("layer 1 (linear): name 'a' is used twice", "duplicate-name")]
    [InlineData("layer 0 (linear): name 'Hidden' must be 1 to 40 lower-case letters, digits or '_', starting with a letter", "bad-name")]
    [InlineData("500,011,000,001 parameters is more than the 250,000,000 a model may have", "too-big")]
    [InlineData("a declared model lists its layers: layers is missing or empty", "empty")]
    [InlineData("layer 0 (conv1d): padding 2,147,483,647 is more than 16,777,216", "huge-padding")]
    [InlineData("layer 2 (flatten): flattening [16777216, 9] gives 150,994,944 values, more than 16,777,216", "huge-flatten")]
    public void An_impossible_network_is_refused_naming_the_layer_and_the_shapes_that_do_not_fit(string expected, string name)
    {
        var conv = new LayerSpec { Kind = LayerKinds.Conv1d, Units = 4, Kernel = 3 };
        var spec = name switch
        {
            "softmax2" => Declared(9, L("softmax2")),
            "relu-units" => Declared(9, Linear(4), new LayerSpec { Kind = LayerKinds.Relu, Units = 3 }, Linear(1)),
            "linear-no-units" => Declared(9, L(LayerKinds.Linear)),
            "linear-on-matrix" => Declared(9, conv, Linear(1)),
            "kernel-too-big" => Declared(9, conv with { Kernel = 12 }),
            "conv2d-on-vector" => Declared(9, conv with { Kind = LayerKinds.Conv2d }),
            "pool-padding" => Declared(9, conv, new LayerSpec { Kind = LayerKinds.MaxPool1d, Kernel = 2, Padding = 2 }),
            "adaptive-too-big" => Declared(9, conv, new LayerSpec { Kind = LayerKinds.AdaptiveAvgPool1d, Output = 8 }),
            "batchnorm2d-on-vector" => Declared(9, L(LayerKinds.BatchNorm2d)),
            "dropout-one" => Declared(9, new LayerSpec { Kind = LayerKinds.Dropout, P = 1 }),
            "embedding-late" => Declared(9, L(LayerKinds.Relu), Embedding("f1")),
            "embedding-unknown" => Declared(9, Embedding("colour")),
            "embedding-twice" => Declared(9, Embedding("f1"), Embedding("f1") with { Name = "again" }),
            "residual-shape" => Declared(9, new LayerSpec { Kind = LayerKinds.Residual, Layers = [Linear(4)] }),
            "residual-inner" => Declared(9, new LayerSpec { Kind = LayerKinds.Residual, Layers = [L(LayerKinds.Linear)] }),
            "no-head" => Declared(9, Linear(4)),
            "duplicate-name" => Declared(9, Linear(4, "a"), Linear(1, "a")),
            "bad-name" => Declared(9, Linear(1, "Hidden")),
            "too-big" => Declared(9, Linear(1_000_000), Linear(500_000), Linear(1)),
            "empty" => Declared(9),
            "huge-padding" => Declared(9, conv with { Padding = int.MaxValue }),
            "huge-flatten" => Declared(9, conv with { Units = 1 << 24, Padding = 1 }, L(LayerKinds.Relu), L(LayerKinds.Flatten)),
            _ => throw new ArgumentException(name),
        };
        var e = Assert.Throws<ArchitectureException>(() => Architecture.Resolve(spec, Features));
        Assert.Equal(expected, e.Message);
    }

    private static readonly IReadOnlyList<string> Features = Enumerable.Range(0, 9).Select(i => $"f{i}").ToList();

    private static LayerSpec Embedding(string feature) => new() { Kind = LayerKinds.Embedding, Feature = feature, Categories = 3, Dimensions = 2 };

    [Fact]
    public void An_embedding_replaces_its_column_by_a_learnt_vector_appended_after_the_other_features()
    {
        var model = Architecture.Resolve(Declared(9, Embedding("f4") with { Name = "grade" }, Linear(1, "head")), Features);
        Assert.Equal([[9], [10]], model.Layers.Select(l => l.Input));
        Assert.Equal(4, model.Layers[0].FeatureIndex);
        Assert.Equal(["grade.weight", "head.weight", "head.bias"], model.Layout.Parameters.Select(p => p.Name));
        Assert.Equal(ParameterInit.Normal, model.Layout.Parameters[0].Init);
    }

    [Fact]
    public void The_digest_is_the_sha256_of_the_canonical_json_with_defaults_filled_in_and_changes_with_any_layer()
    {
        var implicitDefaults = Architecture.Resolve(Declared(3, new LayerSpec { Kind = LayerKinds.Conv1d, Units = 2, Kernel = 2 }, L(LayerKinds.Flatten),
            new LayerSpec { Kind = LayerKinds.Dropout }, Linear(1)));
        var spelledOut = Architecture.Resolve(
            Declared(3, new LayerSpec { Kind = LayerKinds.Conv1d, Units = 2, Kernel = 2, Stride = 1, Padding = 0, Bias = true },
            new LayerSpec { Kind = LayerKinds.Flatten, Name = "layer1" }, new LayerSpec { Kind = LayerKinds.Dropout, P = 0.5 }, Linear(1, "layer3")));
        Assert.Equal(implicitDefaults.Digest, spelledOut.Digest);

        const string canonical = """{"input":[3],"layers":[{"kind":"conv1d","name":"layer0","units":2,"kernel":2,"stride":1,"padding":0,"bias":true},""" +
            """{"kind":"flatten","name":"layer1"},{"kind":"dropout","name":"layer2","p":0.5},{"kind":"linear","name":"layer3","units":1,"bias":true}]}""";
        Assert.Equal(canonical, Encoding.UTF8.GetString(ArchitectureDigest.Canonical(implicitDefaults.Input, implicitDefaults.Layers)));
        Assert.Equal("sha256:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonical))), implicitDefaults.Digest);

        var wider = Architecture.Resolve(Declared(3, new LayerSpec { Kind = LayerKinds.Conv1d, Units = 3, Kernel = 2 }, L(LayerKinds.Flatten),
            new LayerSpec { Kind = LayerKinds.Dropout }, Linear(1)));
        Assert.NotEqual(implicitDefaults.Digest, wider.Digest);
        Assert.NotEqual(Architecture.Resolve(new ModelSpec { Kind = "logistic", Features = 9 }).Digest,
            Architecture.Resolve(new ModelSpec { Kind = "logistic", Features = 8 }).Digest);
    }

    [Fact]
    public void A_job_is_refused_a_batch_norm_under_dp_sgd_or_scaffold_and_a_model_that_does_not_build_naming_the_layer()
    {
        var features = Enumerable.Range(0, 3).Select(i => $"f{i}").ToList();
        var withNorm = Declared(3, L(LayerKinds.BatchNorm1d), Linear(1));
        JobSpec Job(ModelSpec model) => new()
        {
            Name = "j", Schema = "s", FeatureNames = features, Model = model, Training = new TrainingPlan(), Rounds = 2, MinSites = 2,
            RoundDeadline = TimeSpan.FromMinutes(1),
        };
        Assert.Empty(FedHealth.Learning.Jobs.JobSpecRules.Problems(Job(withNorm)));
        Assert.Contains(FedHealth.Learning.Jobs.JobSpecRules.Problems(Job(withNorm)
            with
        { Privacy = new DpSgdSettings { NoiseMultiplier = 1, ClipNorm = 1, SamplingRate = 0.1 } }),
            p => p.StartsWith("model: batchnorm1d mixes the rows of a batch, so DP-SGD's per-example gradients are not defined", StringComparison.Ordinal));
        Assert.Contains(FedHealth.Learning.Jobs.JobSpecRules.Problems(Job(withNorm) with { Strategy = new StrategySpec { Name = "scaffold" } }),
            p => p == "model: scaffold's control variates cover trained parameters, not the running statistics of batchnorm1d");
        Assert.Contains(FedHealth.Learning.Jobs.JobSpecRules.Problems(Job(Declared(3, Linear(4)))),
            p => p == "model: the network ends in shape [4] at layer 0 (linear); a binary outcome needs [1] (end with a linear layer of 1 unit)");
    }
}
