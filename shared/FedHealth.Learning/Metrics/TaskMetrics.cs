using FedHealth.Contracts;

namespace FedHealth.Learning.Metrics;

/// <summary>Each task's figures: what a site's evaluation must hold for it, and how sites' evaluations pool into one.</summary>
public static class TaskMetrics
{
    /// <summary>
    /// One figure for several sites' held-out rows: binary from the pooled histograms, survival from the summed pair counts,
    /// multiclass from the summed confusion matrices and pooled one-vs-rest histograms, regression from the summed moments.
    /// </summary>
    public static ModelMetrics Pool(string task, IReadOnlyCollection<SiteEvaluation> evaluations)
    {
        switch (task)
        {
            case ModelTasks.Multiclass: return MulticlassMetrics.Pool(evaluations);
            case ModelTasks.Regression: return RegressionMetrics.Pool(evaluations);
            case ModelTasks.Survival: break;
            default: return BinaryMetrics.Pool(evaluations);
        }
        var total = evaluations.Sum(e => e.Metrics.Samples);
        var comparable = evaluations.Sum(e => e.Concordance?.Comparable ?? 0);
        var concordant = evaluations.Sum(e => e.Concordance?.Concordant ?? 0);
        return new ModelMetrics
        {
            Auc = comparable == 0 ? double.NaN : concordant / comparable, Accuracy = double.NaN,
            Loss = total == 0 ? double.NaN : evaluations.Sum(e => e.Metrics.Loss * e.Metrics.Samples) / total, Samples = total,
        };
    }

    /// <summary>
    /// What a site's figures must hold for the task beyond their ranges (the accuracy's, each task's own, is the
    /// coordinator's metrics check): only the task's own records (pair counts, multiclass or regression figures); a survival
    /// one carries its pair counts (0 ≤ concordant ≤ comparable) and a C-index equal to them; multiclass and regression
    /// figures as <see cref="MulticlassCheck"/> and <see cref="RegressionMetrics.Problem"/> check them.
    /// </summary>
    /// <param name="classes">The job's number of classes (multiclass); ignored for other tasks.</param>
    public static string? Problem(string task, ModelMetrics metrics, ConcordanceSums? pairs, string who, int? classes = null)
    {
        if (task != ModelTasks.Survival && pairs is not null) return $"{who} carries concordance pairs, which a {task} job does not ask for";
        if (task != ModelTasks.Multiclass && metrics.Multiclass is not null) return $"{who} carries multiclass figures, which a {task} job does not ask for";
        if (task != ModelTasks.Regression && metrics.Regression is not null) return $"{who} carries regression figures, which a {task} job does not ask for";
        switch (task)
        {
            case ModelTasks.Multiclass: return MulticlassCheck.Problem(metrics, classes ?? 0) is { } m ? Join(who, m) : null;
            case ModelTasks.Regression: return RegressionMetrics.Problem(metrics) is { } r ? Join(who, r) : null;
            case ModelTasks.Survival: break;
            default: return null;
        }
        if (pairs is null) return $"{who} has no concordance pairs, which a survival job needs for its C-index";
        if (pairs.Comparable < 0 || !(pairs.Concordant >= 0 && pairs.Concordant <= pairs.Comparable))
            return $"{who} has {pairs.Concordant} concordant of {pairs.Comparable} comparable pairs";
        var c = pairs.Comparable == 0 ? double.NaN : pairs.Concordant / pairs.Comparable;
        var fits = double.IsNaN(c) ? double.IsNaN(metrics.Auc) : Math.Abs(c - metrics.Auc) <= 1e-9;
        return fits ? null : $"{who} has C-index {metrics.Auc}, but its pairs give {c}";
    }

    /// <summary>"evaluation of A has …", or "evaluation of A: multiclass.confusion[0][1] …" where the problem names a field.</summary>
    private static string Join(string who, string problem) =>
        who == "" ? problem : problem.StartsWith("has ", StringComparison.Ordinal) ? $"{who} {problem}" : $"{who}: {problem}";
}
