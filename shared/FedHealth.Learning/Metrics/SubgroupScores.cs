using FedHealth.Contracts;

namespace FedHealth.Learning.Metrics;

/// <summary>Per-group AUC of one site's scored rows, and the largest gap between groups: the fairness figures a round reports.</summary>
public static class SubgroupScores
{
    public static IReadOnlyList<SubgroupMetrics> Of(ReadOnlySpan<float> probabilities, ReadOnlySpan<float> labels, IReadOnlyDictionary<string, string[]> groups)
    {
        var (p, l) = (probabilities.ToArray(), labels.ToArray());
        // An AUC over one positive is that patient's rank among the negatives: both classes need MinRows.
        return ByGroup(groups, l, rows => BinaryMetrics.Auc(rows.Select(i => p[i]).ToArray(), rows.Select(i => l[i]).ToArray()));
    }

    /// <summary>
    /// Survival: each group's C-index over its own pairs (in <see cref="SubgroupMetrics.Auc"/>, as the round's figures carry
    /// it), scored only with <see cref="SubgroupMetrics.MinRows"/>+ events and as many censored rows, for the same reason.
    /// </summary>
    public static IReadOnlyList<SubgroupMetrics> OfSurvival(ReadOnlySpan<float> risk, ReadOnlySpan<float> times, ReadOnlySpan<float> events,
        IReadOnlyDictionary<string, string[]> groups)
    {
        var (r, t, e) = (risk.ToArray(), times.ToArray(), events.ToArray());
        return ByGroup(groups, e, rows =>
        {
            var c = ConcordanceCounts.Of(rows.Select(i => r[i]).ToArray(), rows.Select(i => t[i]).ToArray(), rows.Select(i => e[i]).ToArray()).CIndex;
            return double.IsFinite(c) ? c : null;
        });
    }

    /// <summary>Multiclass: each group's accuracy (<see cref="SubgroupMetrics.Score"/>), for groups of 2 × MinRows+ rows.</summary>
    public static IReadOnlyList<SubgroupMetrics> OfMulticlass(ReadOnlySpan<int> predicted, ReadOnlySpan<float> labels,
        IReadOnlyDictionary<string, string[]> groups)
    {
        var (p, l) = (predicted.ToArray(), labels.ToArray());
        return ByGroupOfSize(groups, rows => rows.Count(i => p[i] == (int)l[i]) / (double)rows.Length);
    }

    /// <summary>
    /// Regression: each group's RMSE in the label's units (<see cref="SubgroupMetrics.Score"/>), for groups of
    /// 2 × <see cref="SubgroupMetrics.MinRows"/>+ rows.
    /// </summary>
    public static IReadOnlyList<SubgroupMetrics> OfRegression(ReadOnlySpan<double> predicted, ReadOnlySpan<double> actual,
        IReadOnlyDictionary<string, string[]> groups)
    {
        var (p, y) = (predicted.ToArray(), actual.ToArray());
        return ByGroupOfSize(groups, rows => Math.Sqrt(rows.Average(i => (y[i] - p[i]) * (y[i] - p[i]))));
    }

    /// <summary>
    /// Each group of each attribute (in name order) with its rows' score in <see cref="SubgroupMetrics.Score"/>, given only
    /// for groups of at least twice <see cref="SubgroupMetrics.MinRows"/> rows (the size a scored binary group has at least).
    /// </summary>
    private static List<SubgroupMetrics> ByGroupOfSize(IReadOnlyDictionary<string, string[]> groups, Func<int[], double> score)
    {
        var result = new List<SubgroupMetrics>();
        foreach (var (subgroup, ofRow) in groups.OrderBy(g => g.Key, StringComparer.Ordinal))
            foreach (var group in ofRow.Distinct().Order(StringComparer.Ordinal))
            {
                var rows = Enumerable.Range(0, ofRow.Length).Where(i => ofRow[i] == group).ToArray();
                var scored = rows.Length >= 2 * SubgroupMetrics.MinRows;
                result.Add(new SubgroupMetrics { Subgroup = subgroup, Group = group, Samples = rows.Length, Score = scored ? score(rows) : null });
            }
        return result;
    }

    /// <summary>
    /// Each group of each attribute (in name order) with its rows' score, computed only where the group has
    /// <see cref="SubgroupMetrics.MinRows"/>+ rows of each class of <paramref name="labels"/> (positives, or events).
    /// </summary>
    private static List<SubgroupMetrics> ByGroup(IReadOnlyDictionary<string, string[]> groups, float[] labels, Func<int[], double?> score)
    {
        var result = new List<SubgroupMetrics>();
        foreach (var (subgroup, ofRow) in groups.OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            foreach (var group in ofRow.Distinct().Order(StringComparer.Ordinal))
            {
                var rows = Enumerable.Range(0, ofRow.Length).Where(i => ofRow[i] == group).ToArray();
                var positives = rows.Count(i => labels[i] >= 0.5f);
                var scored = positives >= SubgroupMetrics.MinRows && rows.Length - positives >= SubgroupMetrics.MinRows;
                result.Add(new SubgroupMetrics { Subgroup = subgroup, Group = group, Samples = rows.Length, Auc = scored ? score(rows) : null });
            }
        }
        return result;
    }

    /// <summary>
    /// For each site and attribute with at least two scored groups, the best and worst group and the gap between them in
    /// the task's headline figure (the AUC or C-index; a multiclass group's accuracy; a regression group's RMSE, lower better).
    /// </summary>
    public static IReadOnlyList<SubgroupGap> Gaps(IEnumerable<SiteEvaluation> evaluations, string task = ModelTasks.Binary)
    {
        var sign = PrimaryFigure.HigherIsBetterFor(task) ? 1 : -1;
        return evaluations.SelectMany(e => e.Subgroups.Where(s => (s.Auc ?? s.Score) is not null).GroupBy(s => s.Subgroup).Where(g => g.Count() >= 2)
            .Select(g =>
            {
                var best = g.MaxBy(s => sign * (s.Auc ?? s.Score))!;
                var worst = g.MinBy(s => sign * (s.Auc ?? s.Score))!;
                return new SubgroupGap
                {
                    SiteId = e.SiteId, Subgroup = g.Key, BestGroup = best.Group, WorstGroup = worst.Group,
                    Gap = Math.Abs((best.Auc ?? best.Score)!.Value - (worst.Auc ?? worst.Score)!.Value),
                };
            })).ToList();
    }
}
