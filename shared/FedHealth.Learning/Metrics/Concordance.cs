namespace FedHealth.Learning.Metrics;

/// <summary>
/// Harrell's concordance of risk scores with survival times, as counts a site can send without any row: a pair (i, j)
/// is comparable when i had the event and its time is strictly shorter than j's (j may be censored later); it is
/// concordant when i's risk is higher, half when the risks tie. Pairs with tied times are not compared. Sites' counts
/// add up exactly to the C-index over every within-site pair of the federation; pairs across sites are not compared
/// (no site sees another's rows), which is the one difference from the C-index of the pooled rows.
/// </summary>
public readonly record struct ConcordanceCounts(long Comparable, double Concordant)
{
    /// <summary>Harrell's C: the share of comparable pairs ordered correctly; NaN with no comparable pair.</summary>
    public double CIndex => Comparable == 0 ? double.NaN : Concordant / Comparable;

    public static ConcordanceCounts operator +(ConcordanceCounts a, ConcordanceCounts b) => new(a.Comparable + b.Comparable, a.Concordant + b.Concordant);

    /// <summary>The counts over every pair of one site's rows (sorted by time: n log n plus the comparable pairs).</summary>
    public static ConcordanceCounts Of(ReadOnlySpan<float> risk, ReadOnlySpan<float> time, ReadOnlySpan<float> events)
    {
        if (risk.Length != time.Length || time.Length != events.Length) throw new ArgumentException("one risk, time and event per row");
        var t = time.ToArray();
        var order = Enumerable.Range(0, t.Length).OrderBy(i => t[i]).ToArray();
        long comparable = 0;
        double concordant = 0;
        for (var a = 0; a < order.Length; a++)
        {
            var i = order[a];
            if (events[i] < 0.5f) continue;
            // Everyone after i's tied block in time order lived longer than i.
            var b = a + 1;
            while (b < order.Length && t[order[b]] == t[i]) b++;
            for (; b < order.Length; b++)
            {
                var j = order[b];
                comparable++;
                concordant += risk[i] > risk[j] ? 1 : risk[i] == risk[j] ? 0.5 : 0;
            }
        }
        return new ConcordanceCounts(comparable, concordant);
    }
}
