using FedHealth.Contracts;
using FedHealth.Learning.Data;
using FedHealth.Learning.Metrics;
using FedHealth.Learning.Models;
using FedHealth.Learning.Torch;
using static TorchSharp.torch;

namespace FedHealth.SiteAgent;

/// <summary>
/// Early stopping for fine-tuning, decided on the site's training rows alone: they are cut into <see cref="Folds"/>
/// stratified folds; for each fold the global model fine-tunes on the other folds one epoch at a time and, before the
/// first epoch (the global model as it is) and after each, predicts the fold it does not train on. The number of epochs
/// whose out-of-fold predictions, all folds together, have the highest AUC wins (multiclass: the highest accuracy; regression:
/// the lowest squared error); among equals the fewest. The held-out
/// rows play no part. (The global model has seen every training row through the federation; that favours keeping it, if
/// anything.)
/// </summary>
public static class FineTuneEpochs
{
    public const int Folds = 5;

    /// <summary>How many epochs, 0..<paramref name="most"/>, to fine-tune <paramref name="global"/> on <paramref name="train"/>; <paramref name="most"/> when
    /// the rows cannot be cross-validated.</summary>
    public static int Choose(ModelSpec spec, FlatParameters global, TabularData train, TrainingPlan plan, int most, int seed, Device device)
    {
        var task = train.LabelTask.Task;
        if (task is ModelTasks.Multiclass or ModelTasks.Regression) return ChooseByOutputs(spec, global, train, plan, most, seed, device);
        var positives = train.Positives;
        if (most < 1 || positives < Folds || train.Rows - positives < Folds) return most;
        var predicted = Enumerable.Range(0, most + 1).Select(_ => new float[train.Rows]).ToArray();
        EachFoldAndEpoch(spec, global, train, plan, most, seed, device, StratifiedFolds(train.Labels, seed), (epoch, rows, validate, model) =>
        {
            var probabilities = ModelEvaluator.Predict(model, validate, device);
            for (var i = 0; i < rows.Count; i++) predicted[epoch][rows[i]] = probabilities[i];
        });
        var auc = predicted.Select(p => BinaryMetrics.Auc(p, train.Labels)).ToList();
        return auc.IndexOf(auc.Max());
    }

    /// <summary>Multiclass and regression: the same folds (by class, or one stratum), judged by out-of-fold accuracy or squared error.</summary>
    private static int ChooseByOutputs(ModelSpec spec, FlatParameters global, TabularData train, TrainingPlan plan, int most, int seed, Device device)
    {
        if (most < 1 || train.Rows < 2 * Folds) return most;
        var strata = Enumerable.Range(0, train.Rows).Select(r => (float)train.Stratum(r)).ToList();
        var score = new double[most + 1];
        EachFoldAndEpoch(spec, global, train, plan, most, seed, device, StratifiedFolds(strata, seed, byValue: true), (epoch, _, validate, model) =>
        {
            var outputs = ModelEvaluator.Outputs(model, validate, device);
            score[epoch] += train.LabelTask.Task == ModelTasks.Multiclass ? Correct(outputs, validate.Labels, train.LabelTask.Classes)
                : -outputs.Zip(validate.Labels, (o, l) => ((double)o - l) * ((double)o - l)).Sum();
        });
        return Array.IndexOf(score, score.Max());
    }

    /// <summary>
    /// For each fold, the global model fine-tuned on the other folds one epoch at a time; before the first epoch (epoch 0:
    /// the global model as it is) and after each, <paramref name="observe"/> sees the model and the fold it did not train on.
    /// </summary>
    private static void EachFoldAndEpoch(ModelSpec spec, FlatParameters global, TabularData train, TrainingPlan plan, int most, int seed, Device device,
        IEnumerable<IReadOnlyList<int>> folds, Action<int, IReadOnlyList<int>, TabularData, nn.Module<Tensor, Tensor>> observe)
    {
        foreach (var rows in folds)
        {
            if (rows.Count == 0) continue;
            var fit = train.Select(Enumerable.Range(0, train.Rows).Except(rows).ToList());
            var validate = train.Select(rows);
            using var model = TorchModels.Create(spec, train.FeatureNames);
            ModelParameters.Write(model, global);
            for (var epoch = 0; epoch <= most; epoch++)
            {
                if (epoch > 0) LocalTrainer.Train(model, fit, plan with { LocalEpochs = 1, ProximalMu = 0 }, seed + epoch, device);
                observe(epoch, rows, validate, model);
            }
        }
    }

    private static int Correct(float[] outputs, float[] labels, int classes) =>
        Enumerable.Range(0, labels.Length).Count(i => Enumerable.Range(0, classes).MaxBy(c => outputs[i * classes + c]) == (int)labels[i]);

    /// <summary>Each row's index in one of <see cref="Folds"/> folds, each class dealt round the folds after a seeded shuffle.</summary>
    /// <param name="byValue">Strata are the labels' values (class indices), not positive and negative.</param>
    public static IReadOnlyList<IReadOnlyList<int>> StratifiedFolds(IReadOnlyList<float> labels, int seed, bool byValue = false)
    {
        var random = new Random(seed);
        var folds = Enumerable.Range(0, Folds).Select(_ => new List<int>()).ToArray();
        var strata = byValue ? labels.Distinct().Order().ToList() : [0f, 1f];
        foreach (var stratum in strata)
        {
            var rows = Enumerable.Range(0, labels.Count).Where(r => byValue ? labels[r] == stratum : (labels[r] >= 0.5f ? 1f : 0f) == stratum).ToArray();
            random.Shuffle(rows);
            for (var i = 0; i < rows.Length; i++) folds[i % Folds].Add(rows[i]);
        }
        return folds.Select(f => (IReadOnlyList<int>)f.Order().ToList()).ToList();
    }
}
