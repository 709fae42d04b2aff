using FedHealth.Contracts;

namespace FedHealth.Learning.Metrics;

/// <summary>Per-group AUC of one site's scored rows, and the largest gap between groups: the fairness figures a round reports.</summary>
public static class SubgroupScores
{
    public static IReadOnlyList<SubgroupMetrics> Of(ReadOnlySpan<float> probabilities, ReadOnlySpan<float> labels, IReadOnlyDictionary<string, string[]> groups)
    {
        var result = new List<SubgroupMetrics>();
        foreach (var (subgroup, ofRow) in groups.OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            foreach (var group in ofRow.Distinct().Order(StringComparer.Ordinal))
            {
                var rows = Enumerable.Range(0, ofRow.Length).Where(i => ofRow[i] == group).ToArray();
                var p = new float[rows.Length];
                var l = new float[rows.Length];
                for (var i = 0; i < rows.Length; i++) (p[i], l[i]) = (probabilities[rows[i]], labels[rows[i]]);
                var positives = l.Count(x => x >= 0.5f);
                // An AUC over one positive is that patient's rank among the negatives: both classes need MinRows.
                var scored = positives >= SubgroupMetrics.MinRows && rows.Length - positives >= SubgroupMetrics.MinRows;
                result.Add(new SubgroupMetrics { Subgroup = subgroup, Group = group, Samples = rows.Length, Auc = scored ? BinaryMetrics.Auc(p, l) : null });
            }
        }
        return result;
    }

    /// <summary>
    /// Survival: each group's C-index over its own pairs (in <see cref="SubgroupMetrics.Auc"/>, as the round's figures carry
    /// it), scored only with <see cref="SubgroupMetrics.MinRows"/>+ events and as many censored rows, for the same reason.
    /// </summary>
    public static IReadOnlyList<SubgroupMetrics> OfSurvival(ReadOnlySpan<float> risk, ReadOnlySpan<float> times, ReadOnlySpan<float> events,
        IReadOnlyDictionary<string, string[]> groups)
    {
        var result = new List<SubgroupMetrics>();
        foreach (var (subgroup, ofRow) in groups.OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            foreach (var group in ofRow.Distinct().Order(StringComparer.Ordinal))
            {
                var rows = Enumerable.Range(0, ofRow.Length).Where(i => ofRow[i] == group).ToArray();
                var (r, t, e) = (new float[rows.Length], new float[rows.Length], new float[rows.Length]);
                for (var i = 0; i < rows.Length; i++) (r[i], t[i], e[i]) = (risk[rows[i]], times[rows[i]], events[rows[i]]);
                var eventCount = e.Count(x => x >= 0.5f);
                var scored = eventCount >= SubgroupMetrics.MinRows && rows.Length - eventCount >= SubgroupMetrics.MinRows;
                var c = ConcordanceCounts.Of(r, t, e).CIndex;
                result.Add(new SubgroupMetrics { Subgroup = subgroup, Group = group, Samples = rows.Length, Auc = scored && double.IsFinite(c) ? c : null });
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
