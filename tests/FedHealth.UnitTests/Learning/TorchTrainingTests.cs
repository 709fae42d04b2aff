using FedHealth.Contracts;
using FedHealth.Learning.Data;
using FedHealth.Learning.Models;
using FedHealth.Learning.Torch;
using FedHealth.Tests.Support;
using static TorchSharp.torch;

namespace FedHealth.Tests.Learning;

[Collection(TorchCollection.Name)]
public sealed class TorchTrainingTests : IDisposable
{
    private readonly TempFolder temp = new();
    private static readonly TabularData Gbsg = ShippedData.Gbsg;

    [Theory]
    [InlineData("logistic")]
    [InlineData("mlp")]
    public void Local_training_lowers_the_loss_and_beats_chance_on_held_out_rows(string kind)
    {
        var spec = new ModelSpec { Kind = kind, Features = Gbsg.Width, HiddenUnits = 8 };
        var split = TrainTestSplit.Stratified(Gbsg, 0.3, 1);
        using var model = TorchModels.Create(spec);
        ModelParameters.Write(model, FlatParameters.Initial(ParameterLayout.For(spec), 1));
        var before = ModelEvaluator.Evaluate("DE", model, split.Train, CPU).Metrics.Loss;
        var result = LocalTrainer.Train(model, split.Train, new TrainingPlan { LocalEpochs = 30, LearningRate = 0.05 }, seed: 1, CPU);
        var after = ModelEvaluator.Evaluate("DE", model, split.Train, CPU).Metrics.Loss;
        Assert.True(after < before, $"training loss went from {before:F4} to {after:F4}");
        Assert.Equal(split.Train.Rows, result.Samples);
        Assert.True(ModelEvaluator.Evaluate("DE", model, split.Test, CPU).Metrics.Auc > 0.6);
    }

    [Fact]
    public void Training_is_repeatable_for_a_seed()
    {
        var spec = new ModelSpec { Kind = "mlp", Features = Gbsg.Width, HiddenUnits = 4 };
        float[] Train()
        {
            using var model = TorchModels.Create(spec);
            ModelParameters.Write(model, FlatParameters.Initial(ParameterLayout.For(spec), 2));
            LocalTrainer.Train(model, Gbsg, new TrainingPlan { LocalEpochs = 2 }, seed: 5, CPU);
            return ModelParameters.Read(model, ParameterLayout.For(spec)).Values;
        }
        Assert.Equal(Train(), Train());
    }

    [Fact]
    public void The_torch_modules_follow_the_declared_parameter_layout_and_a_saved_model_loads_back_exactly()
    {
        var spec = new ModelSpec { Kind = "mlp", Features = 8, HiddenUnits = 3 };
        var weights = FlatParameters.Initial(ParameterLayout.For(spec), 4);
        var path = Path.Combine(temp.Path, "model.pt");
        ModelFiles.Save(path, spec, weights.ToWeights());
        using var loaded = ModelFiles.Load(path, spec);
        Assert.Equal(weights.Values, ModelParameters.Read(loaded, ParameterLayout.For(spec)).Values);
    }

    public void Dispose() => temp.Dispose();
}
