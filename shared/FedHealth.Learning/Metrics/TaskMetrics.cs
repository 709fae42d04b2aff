using FedHealth.Contracts;

namespace FedHealth.Learning.Metrics;

/// <summary>Each task's figures: what a site's evaluation must hold for it, and how sites' evaluations pool into one.</summary>
public static class TaskMetrics
{
    /// <summary>One figure for several sites' held-out rows: binary from the pooled histograms, survival from the summed pair counts.</summary>
    public static ModelMetrics Pool(string task, IReadOnlyCollection<SiteEvaluation> evaluations)
    {
        if (task != ModelTasks.Survival) return BinaryMetrics.Pool(evaluations);
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
    /// coordinator's metrics check): a binary evaluation carries no pair counts; a survival one carries its pair counts
    /// (0 ≤ concordant ≤ comparable) and a C-index equal to them.
    /// </summary>
    public static string? Problem(string task, ModelMetrics metrics, ConcordanceSums? pairs, string who)
    {
        if (task != ModelTasks.Survival) return pairs is null ? null : $"{who} carries concordance pairs, which a {task} job does not ask for";
        if (pairs is null) return $"{who} has no concordance pairs, which a survival job needs for its C-index";
        if (pairs.Comparable < 0 || !(pairs.Concordant >= 0 && pairs.Concordant <= pairs.Comparable))
            return $"{who} has {pairs.Concordant} concordant of {pairs.Comparable} comparable pairs";
        var c = pairs.Comparable == 0 ? double.NaN : pairs.Concordant / pairs.Comparable;
        var fits = double.IsNaN(c) ? double.IsNaN(metrics.Auc) : Math.Abs(c - metrics.Auc) <= 1e-9;
        return fits ? null : $"{who} has C-index {metrics.Auc}, but its pairs give {c}";
    }
}
