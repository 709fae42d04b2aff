using FedHealth.Contracts;
using FedHealth.Learning.Data;
using FedHealth.Learning.Models;
using FedHealth.Learning.Torch;
using FedHealth.Tests.Support;
using static TorchSharp.torch;

namespace FedHealth.Tests.Privacy;

[Collection(TorchCollection.Name)]
public sealed class DpSgdTrainerTests
{
    private static readonly TabularData Gbsg = ShippedData.Gbsg;
    private static readonly ModelSpec Spec = new() { Kind = "logistic", Features = Gbsg.Width };

    [Fact]
    public void Clipping_bounds_how_far_one_step_can_move_the_model()
    {
        // With almost no noise, each step moves the weights by at most lr * C * (rows sampled) / (q N).
        var dp = new DpSgdSettings { NoiseMultiplier = 1e-9, ClipNorm = 0.01, SamplingRate = 0.5 };
        var plan = new TrainingPlan { LocalEpochs = 1, LearningRate = 1.0 };
        var (before, after, steps) = TrainOnce(plan, dp, seed: 3);
        var moved = Math.Sqrt(Enumerable.Range(0, before.Length).Sum(i => (double)(before[i] - after[i]) * (before[i] - after[i])));
        var bound = plan.LearningRate * dp.ClipNorm * steps * (1 / dp.SamplingRate) * 1.2;
        Assert.InRange(moved, 1e-6, bound);
    }

    [Fact]
    public void Dp_sgd_is_repeatable_for_a_seed_and_noise_changes_with_the_seed()
    {
        var dp = new DpSgdSettings { NoiseMultiplier = 1, ClipNorm = 1, SamplingRate = 0.2 };
        var plan = new TrainingPlan { LocalEpochs = 1 };
        Assert.Equal(TrainOnce(plan, dp, 1).After, TrainOnce(plan, dp, 1).After);
        Assert.NotEqual(TrainOnce(plan, dp, 1).After, TrainOnce(plan, dp, 2).After);
        Assert.Equal(5, DpSgdTrainer.StepsFor(plan, dp));
    }

    [Fact]
    public void Batched_per_sample_gradients_train_as_one_backward_pass_per_row_does_for_the_same_seed_rows_and_noise()
    {
        var mlp = new ModelSpec { Kind = ModelKinds.Mlp, Features = Gbsg.Width, HiddenUnits = 8 };
        // A clip norm that clips some rows' gradients and not others; FedProx's term rides along as before.
        var dp = new DpSgdSettings { NoiseMultiplier = 0.8, ClipNorm = 0.3, SamplingRate = 0.05 };
        var plan = new TrainingPlan { LocalEpochs = 1, LearningRate = 0.5, ProximalMu = 0.1 };
        float[] Trained(bool perRowReference)
        {
            var layout = ParameterLayout.For(mlp);
            using var model = TorchModels.Create(mlp);
            ModelParameters.Write(model, FlatParameters.Initial(layout, 2));
            var result = DpSgdTrainer.Train(model, Gbsg, plan, dp, 7, CPU, FedHealth.Learning.Torch.PerSample.PerRowLosses.BinaryCrossEntropy, perRowReference);
            Assert.Null(result.PerRowFallback);
            return ModelParameters.Read(model, layout).Values;
        }
        var batched = Trained(perRowReference: false);
        var perRow = Trained(perRowReference: true);
        Assert.Equal(perRow.Length, batched.Length);
        for (var i = 0; i < perRow.Length; i++) Assert.Equal(perRow[i], batched[i], 4);
    }

    [Fact]
    public void A_model_the_batched_pass_has_no_formula_for_trains_by_one_backward_pass_per_row_and_says_why()
    {
        using var model = nn.Sequential(nn.Linear(Gbsg.Width, 1), nn.Flatten(0));
        var dp = new DpSgdSettings { NoiseMultiplier = 1, ClipNorm = 1, SamplingRate = 0.2 };
        var result = DpSgdTrainer.Train(model, Gbsg, new TrainingPlan { LocalEpochs = 1 }, dp, 1, CPU);
        Assert.Contains("Sequential has parameters and no per-sample gradient formula", result.PerRowFallback);
        Assert.Equal(5, result.Steps);
    }

    private static (float[] Before, float[] After, long Steps) TrainOnce(TrainingPlan plan, DpSgdSettings dp, int seed)
    {
        var layout = ParameterLayout.For(Spec);
        using var model = TorchModels.Create(Spec);
        var initial = FlatParameters.Initial(layout, 1);
        ModelParameters.Write(model, initial);
        var result = DpSgdTrainer.Train(model, Gbsg, plan, dp, seed, CPU);
        return (initial.Values, ModelParameters.Read(model, layout).Values, result.Steps);
    }
}
