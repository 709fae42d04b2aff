using FedHealth.Contracts;
using FedHealth.Learning.Data;
using FedHealth.Learning.Models;
using FedHealth.Learning.Torch;
using FedHealth.Tests.Support;
using static TorchSharp.torch;

namespace FedHealth.Tests.Learning;

/// <summary>Multiclass and regression losses against hand formulas, and plain SGD and DP-SGD training both tasks to a better fit.</summary>
[Collection(TorchCollection.Name)]
public sealed class TaskTrainingTests
{
    [Fact]
    public void The_multiclass_loss_is_the_mean_softmax_cross_entropy_and_the_regression_loss_the_mean_squared_error()
    {
        using var logits = tensor(new float[] { 2, 0, -1, 0, 1, 3 }, [2, 3]);
        using var classes = tensor(new float[] { 0, 1 });
        static double LogSoftmax(double[] z, int k) => z[k] - Math.Log(z.Sum(Math.Exp));
        var expected = -(LogSoftmax([2, 0, -1], 0) + LogSoftmax([0, 1, 3], 1)) / 2;
        using var multiclass = TaskLoss.Of(ModelTasks.Multiclass, logits, classes, null);
        Assert.Equal(expected, multiclass.item<float>(), 5);

        using var predicted = tensor(new float[] { 1, 2, 4 });
        using var actual = tensor(new float[] { 1.5f, 2, 2 });
        using var regression = TaskLoss.Of(ModelTasks.Regression, predicted, actual, null);
        Assert.Equal((0.25 + 0 + 4) / 3, regression.item<float>(), 5);
    }

    [Theory]
    [InlineData(ModelTasks.Multiclass, false)]
    [InlineData(ModelTasks.Multiclass, true)]
    [InlineData(ModelTasks.Regression, false)]
    [InlineData(ModelTasks.Regression, true)]
    public void Plain_sgd_and_dp_sgd_with_per_row_clipping_both_fit_a_learnable_label(string task, bool private_)
    {
        var data = Toy(task);
        var spec = new ModelSpec { Kind = ModelKinds.Logistic, Features = 2, Task = task, Classes = task == ModelTasks.Multiclass ? 3 : null };
        using var model = TorchModels.Create(spec);
        ModelParameters.Write(model, FlatParameters.Initial(ParameterLayout.For(spec), 1));
        var before = ModelEvaluator.Evaluate("S", model, data, CPU).Metrics.Loss;
        var plan = new TrainingPlan { LocalEpochs = 20, BatchSize = 16, LearningRate = 0.1 };
        if (private_) DpSgdTrainer.Train(model, data, plan, new DpSgdSettings { NoiseMultiplier = 0.5, ClipNorm = 1, SamplingRate = 0.2 }, 1, CPU);
        else LocalTrainer.Train(model, data, plan, 1, CPU);
        var after = ModelEvaluator.Evaluate("S", model, data, CPU).Metrics;
        Assert.True(after.Loss < before * 0.8, $"{task}: loss {before} → {after.Loss}");
        if (task == ModelTasks.Multiclass) Assert.True(after.Accuracy > 0.7, $"accuracy {after.Accuracy}");
        else Assert.True(after.Regression!.R2 > 0.5, $"R² {after.Regression.R2}");
    }

    /// <summary>120 rows of two features: three classes by the first feature's band, or a label linear in both plus noise.</summary>
    private static TabularData Toy(string task)
    {
        var random = new Random(7);
        var x = Enumerable.Range(0, 240).Select(_ => (float)(random.NextDouble() * 4 - 2)).ToArray();
        var y = Enumerable.Range(0, 120).Select(i => task == ModelTasks.Multiclass
            ? x[2 * i] < -0.7f ? 0f : x[2 * i] < 0.7f ? 1f : 2f
            : (float)(0.8 * x[2 * i] - 0.5 * x[2 * i + 1] + 0.1 * (random.NextDouble() - 0.5))).ToArray();
        var labelTask = task == ModelTasks.Multiclass ? new LabelTask(task, 3) : new LabelTask(task, 0, Center: 50, Scale: 10);
        return new TabularData(["a", "b"], x, y, labelTask: labelTask);
    }
}
