using FedHealth.Contracts;
using FedHealth.Learning.Data;
using FedHealth.Learning.Models;
using FedHealth.Learning.Models.Architectures;
using FedHealth.Learning.Torch;
using FedHealth.Tests.Support;
using static TorchSharp.torch;

namespace FedHealth.Tests.Learning;

/// <summary>The TorchSharp networks a site builds from declared layers: the presets compute what the fixed models did, every layer kind builds and
/// trains.</summary>
[Collection(TorchCollection.Name)]
public sealed class DeclaredNetworkTests
{
    private static readonly TabularData Gbsg = ShippedData.Gbsg;

    [Fact]
    public void The_logistic_preset_computes_x_w_plus_b_and_the_mlp_preset_relu_of_the_hidden_layer_then_the_output()
    {
        var rows = new float[] { 0.5f, -1, 2, 0, 1, -0.25f };
        using var x = tensor(rows, [2, 3]);
        var logistic = new ModelSpec { Kind = "logistic", Features = 3 };
        using (var model = TorchModels.Create(logistic))
        {
            var w = FlatParameters.Initial(ParameterLayout.For(logistic), 3);
            ModelParameters.Write(model, w);
            var v = w.Values;
            using var logits = model.forward(x);
            Assert.Equal([2], logits.shape);
            for (var r = 0; r < 2; r++)
                Assert.Equal(rows[3 * r] * v[0] + rows[3 * r + 1] * v[1] + rows[3 * r + 2] * v[2] + v[3], logits[r].item<float>(), 5);
        }
        var mlp = new ModelSpec { Kind = "mlp", Features = 3, HiddenUnits = 2 };
        using (var model = TorchModels.Create(mlp))
        {
            var w = FlatParameters.Initial(ParameterLayout.For(mlp), 4);
            ModelParameters.Write(model, w);
            var v = w.Values; // hidden.weight [2,3], hidden.bias [2], output.weight [1,2], output.bias [1]
            using var logits = model.forward(x);
            for (var r = 0; r < 2; r++)
            {
                var expected = v[10];
                for (var h = 0; h < 2; h++)
                {
                    var z = v[6 + h] + Enumerable.Range(0, 3).Sum(i => rows[3 * r + i] * v[3 * h + i]);
                    expected += Math.Max(0, z) * v[8 + h];
                }
                Assert.Equal(expected, logits[r].item<float>(), 5);
            }
        }
    }

    [Fact]
    public void A_declared_network_of_every_kind_builds_moves_its_parameters_by_name_and_trains_beyond_chance()
    {
        var features = Gbsg.FeatureNames;
        var spec = new ModelSpec
        {
            Kind = ModelKinds.Declared, Features = Gbsg.Width,
            Layers =
            [
                new LayerSpec { Kind = LayerKinds.Conv1d, Units = 4, Kernel = 3, Padding = 1, Name = "conv" }, new LayerSpec { Kind = LayerKinds.Silu },
                new LayerSpec { Kind = LayerKinds.AvgPool1d, Kernel = 2, Stride = 1 }, new LayerSpec { Kind = LayerKinds.BatchNorm1d, Name = "norm" },
                new LayerSpec { Kind = LayerKinds.AdaptiveAvgPool1d, Output = 4 }, new LayerSpec { Kind = LayerKinds.Flatten },
                new LayerSpec
                {
                    Kind = LayerKinds.Residual, Name = "block",
                    Layers = [new LayerSpec { Kind = LayerKinds.LayerNorm }, new LayerSpec { Kind = LayerKinds.Linear, Units = 16 },
                        new LayerSpec { Kind = LayerKinds.Tanh }],
                },
                new LayerSpec { Kind = LayerKinds.Dropout, P = 0.1 }, new LayerSpec { Kind = LayerKinds.Linear, Units = 1, Name = "head" },
            ],
        };
        var architecture = Architecture.Resolve(spec, features);
        using var model = TorchModels.Create(spec, features);
        var initial = FlatParameters.Initial(architecture.Layout, 5);
        ModelParameters.Write(model, initial);
        Assert.Equal(initial.Values, ModelParameters.Read(model, architecture.Layout).Values);
        Assert.Contains(architecture.Layout.Parameters, p => p is { Name: "norm.running_var", Buffer: true });

        var split = TrainTestSplit.Stratified(Gbsg, 0.3, 1);
        LocalTrainer.Train(model, split.Train, new TrainingPlan { LocalEpochs = 20, LearningRate = 0.05 }, seed: 1, CPU);
        var trained = ModelParameters.Read(model, architecture.Layout).Values;
        // The batch norm's running statistics moved with training, and travel in the layout like the weights.
        var runningMean = architecture.Layout.Parameters.TakeWhile(p => p.Name != "norm.running_mean").Sum(p => p.Count);
        Assert.Contains(trained.AsSpan(runningMean, 4).ToArray(), v => v != 0);
        Assert.True(ModelEvaluator.Evaluate("DE", model, split.Test, CPU).Metrics.Auc > 0.6);
    }

    [Fact]
    public void An_embedding_looks_up_the_code_in_its_column_and_the_other_features_pass_through()
    {
        var spec = new ModelSpec
        {
            Kind = ModelKinds.Declared, Features = 3,
            Layers = [new LayerSpec { Kind = LayerKinds.Embedding, Name = "grade", Feature = "g", Categories = 3, Dimensions = 2 },
                new LayerSpec { Kind = LayerKinds.Linear, Units = 1, Name = "head" }],
        };
        string[] names = ["a", "g", "b"];
        var layout = Architecture.Resolve(spec, names).Layout;
        using var model = TorchModels.Create(spec, names);
        // grade.weight [3,2] rows (0,0) (1,2) (3,4); head.weight [1,4] over (a, b, e0, e1); head.bias 0.5.
        ModelParameters.Write(model, new FlatParameters(layout, [0, 0, 1, 2, 3, 4, 1, 10, 100, 1000, 0.5f]));
        using var x = tensor(new float[] { 2, 1, 3, 1, 2, 5 }, [2, 3]);
        using var logits = model.forward(x);
        Assert.Equal(2 * 1 + 3 * 10 + 1 * 100 + 2 * 1000 + 0.5f, logits[0].item<float>(), 3);
        Assert.Equal(1 * 1 + 5 * 10 + 3 * 100 + 4 * 1000 + 0.5f, logits[1].item<float>(), 3);
    }
}
