using FedHealth.Contracts;

namespace FedHealth.Learning.Metrics;

/// <summary>
/// What a receiver checks in a histogram from a site before pooling it: well-formed (edges from 0 to 1 in
/// increasing order, one count per bin and class, none negative, adding up to the rows scored) and free of small
/// cells (<see cref="ScoreHistogram"/>). Each problem names the field, so the site's operator can find it.
/// </summary>
public static class ScoreHistogramCheck
{
    /// <summary>The most bins a histogram may have: the fine grid sites count in.</summary>
    public const int MaxBins = ScoreHistogram.FineBins;

    public static string? Problem(ScoreHistogram? h, int samples)
    {
        if (h is null) return "histogram is missing";
        if (h.Positives is null || h.Negatives is null) return $"histogram.{(h.Positives is null ? "positives" : "negatives")} is missing";
        var bins = h.Positives.Count;
        if (bins < 1 || bins > MaxBins) return $"histogram.positives has {bins} bins (1 to {MaxBins} allowed)";
        if (h.Negatives.Count != bins) return $"histogram.negatives has {h.Negatives.Count} bins but histogram.positives has {bins}";
        if (EdgesProblem(h.Edges, bins) is { } edges) return edges;
        long total = 0;
        foreach (var (name, counts) in new[] { ("positives", h.Positives), ("negatives", h.Negatives) })
            for (var b = 0; b < bins; b++)
            {
                if (counts[b] < 0) return $"histogram.{name}[{b}] is {counts[b]} (counts cannot be negative)";
                if (bins > 1 && !SmallCellCoarsening.IsSafeCell(counts[b]))
                    return $"histogram.{name}[{b}] holds {counts[b]} rows in {Range(h, b)}: a cell of 1 to {ScoreHistogram.MinCell - 1} rows could single " +
                        $"out patients (coarsen to {ScoreHistogram.MinCell}+ or 0)";
                total += counts[b];
            }
        return total == samples ? null : $"histogram counts add up to {total} rows, not the {samples} samples of its metrics";
    }

    private static string? EdgesProblem(IReadOnlyList<double>? edges, int bins)
    {
        if (edges is null) return null;
        if (edges.Count != bins + 1) return $"histogram.edges has {edges.Count} values for {bins} bins (needs {bins + 1})";
        if (edges[0] != 0 || edges[^1] != 1) return $"histogram.edges run from {edges[0]} to {edges[^1]}, not from 0 to 1";
        for (var i = 1; i < edges.Count; i++)
            if (!(edges[i] > edges[i - 1])) return $"histogram.edges[{i}] is {edges[i]}, not above histogram.edges[{i - 1}] ({edges[i - 1]})";
        return null;
    }

    private static string Range(ScoreHistogram h, int bin)
    {
        var edges = PooledScores.EdgesOf(h);
        return $"[{edges[bin]:0.####}, {edges[bin + 1]:0.####})";
    }
}
