using FedHealth.Contracts;

namespace FedHealth.Learning.Metrics;

/// <summary>
/// Makes a score histogram safe to leave a site: no cell holds 1 to <c>minCell</c> − 1 rows of a class. Fine bins
/// are merged from the lowest score up and a bin closes as soon as both its counts are safe, so bins stay as narrow
/// as the rule allows where rows are dense; whatever is left at the top joins the bins below it until the union is
/// safe. Of the rules measured (halving a fixed dyadic tree, merging to k rows in total) this one kept the pooled
/// AUC closest to exact while publishing no small cell; <see cref="ScoreHistogram"/> says what its edges reveal.
/// </summary>
public static class SmallCellCoarsening
{
    /// <param name="positives">Counts of positive rows in <see cref="ScoreHistogram.FineBins"/> equal bins.</param>
    /// <param name="negatives">The same for negative rows.</param>
    public static ScoreHistogram Coarsen(IReadOnlyList<int> positives, IReadOnlyList<int> negatives, int minCell = ScoreHistogram.MinCell)
    {
        var fine = positives.Count;
        if (fine != negatives.Count || fine < 1) throw new ArgumentException($"one count per fine bin and class (got {positives.Count} and {negatives.Count})");
        var bins = new List<(int Lo, int P, int N)>();
        int lo = 0, p = 0, n = 0;
        for (var b = 0; b < fine; b++)
        {
            p += positives[b];
            n += negatives[b];
            if (p + n > 0 && IsSafeCell(p, minCell) && IsSafeCell(n, minCell)) { bins.Add((lo, p, n)); (lo, p, n) = (b + 1, 0, 0); }
        }
        // What is left above the last safe bin joins the bins below it until the union is safe.
        while (bins.Count > 0 && !(IsSafeCell(p, minCell) && IsSafeCell(n, minCell)))
        {
            var last = bins[^1];
            bins.RemoveAt(bins.Count - 1);
            (lo, p, n) = (last.Lo, last.P + p, last.N + n);
        }
        if (lo < fine || bins.Count == 0) bins.Add((lo, p, n));
        return new ScoreHistogram
        {
            Edges = [.. bins.Select(b => (double)b.Lo / fine), 1.0],
            Positives = [.. bins.Select(b => b.P)],
            Negatives = [.. bins.Select(b => b.N)],
        };
    }

    /// <summary>A cell may be published when it is empty or holds at least <paramref name="minCell"/> rows.</summary>
    public static bool IsSafeCell(long count, int minCell = ScoreHistogram.MinCell) => count == 0 || count >= minCell;
}
