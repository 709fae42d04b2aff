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

    /// <summary>For each site and attribute with at least two scored groups, the best and worst group and the AUC gap between them.</summary>
    public static IReadOnlyList<SubgroupGap> Gaps(IEnumerable<SiteEvaluation> evaluations) =>
        evaluations.SelectMany(e => e.Subgroups.Where(s => s.Auc is not null).GroupBy(s => s.Subgroup).Where(g => g.Count() >= 2).Select(g =>
        {
            var best = g.MaxBy(s => s.Auc)!;
            var worst = g.MinBy(s => s.Auc)!;
            return new SubgroupGap
            {
                SiteId = e.SiteId, Subgroup = g.Key, BestGroup = best.Group, WorstGroup = worst.Group,
                Gap = best.Auc!.Value - worst.Auc!.Value
            };
        })).ToList();
}
