using FedHealth.Contracts;
using FedHealth.Learning.Data;
using FedHealth.Learning.Models;
using FedHealth.SiteAgent;
using FedHealth.Tests.Support;
using static TorchSharp.torch;

namespace FedHealth.Tests.Sites;

/// <summary>Fine-tuning's early stopping: the epochs are chosen by cross-validation on the site's training rows alone.</summary>
[Collection(TorchCollection.Name)]
public sealed class FineTuneEpochsTests
{
    private static readonly TabularData Gbsg = ShippedData.Gbsg;
    private static readonly ModelSpec Logistic = new() { Kind = "logistic", Features = Gbsg.Width };
    private static readonly TabularData Train = TrainTestSplit.Stratified(Gbsg, 0.3, 1).Train;

    [Fact]
    public void The_folds_split_every_row_once_each_class_spread_evenly_and_the_same_for_a_seed()
    {
        var folds = FineTuneEpochs.StratifiedFolds(Train.Labels, seed: 3);
        Assert.Equal(FineTuneEpochs.Folds, folds.Count);
        Assert.Equal(Enumerable.Range(0, Train.Rows), folds.SelectMany(f => f).Order());
        var positives = folds.Select(f => f.Count(r => Train.Labels[r] >= 0.5f)).ToList();
        Assert.InRange(positives.Max() - positives.Min(), 0, 1);
        Assert.Equal(folds, FineTuneEpochs.StratifiedFolds(Train.Labels, seed: 3));
    }

    [Fact]
    public void An_untrained_global_model_is_fine_tuned_and_one_that_training_cannot_move_is_kept()
    {
        var untrained = FlatParameters.Initial(ParameterLayout.For(Logistic), 1);
        var plan = new TrainingPlan { LearningRate = 0.05 };
        Assert.InRange(FineTuneEpochs.Choose(Logistic, untrained, Train, plan, most: 5, seed: 1, CPU), 1, 5);
        // Training that changes nothing leaves every epoch count cross-validating the same: the fewest, none, wins.
        Assert.Equal(0, FineTuneEpochs.Choose(Logistic, untrained, Train, plan with { LearningRate = 1e-30 }, most: 5, seed: 1, CPU));
    }

    [Fact]
    public void Rows_too_few_to_cross_validate_get_the_epochs_asked_for()
    {
        var fourPositives = Train.Select(Enumerable.Range(0, Train.Rows).Where(r => Train.Labels[r] < 0.5f).Concat(
            Enumerable.Range(0, Train.Rows).Where(r => Train.Labels[r] >= 0.5f).Take(4)).ToList());
        Assert.Equal(5, FineTuneEpochs.Choose(Logistic, FlatParameters.Initial(ParameterLayout.For(Logistic), 1), fourPositives, new TrainingPlan(),
            most: 5, seed: 1, CPU));
    }
}
