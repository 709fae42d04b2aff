using FedHealth.Contracts;

namespace FedHealth.Learning.Metrics;

/// <summary>
/// One AUC over several sites' held-out rows from their score histograms, whose bins differ (each site coarsens its
/// own). The rows of each class are laid on the finest grid any site used (every site's edges together); a bin
/// wider than a grid cell is spread over the cells it covers in the proportion the pooled rows of that class fill
/// them (Turnbull's estimator for interval-censored data, by expectation-maximisation from even spreading), so a
/// site's coarse bin borrows the shape that finer sites saw there. Pairs in one grid cell count one half, as ties.
/// Pairs within one site are counted from its own exact AUC where it sends one: coarsening then blurs only pairs
/// across sites. With one histogram this is the plain binned AUC. When every site sent one bin (each has fewer
/// than <see cref="ScoreHistogram.MinCell"/> rows of a class), nothing orders rows across sites and the AUC is NaN.
/// </summary>
public static class PooledScores
{
    private const int MaxIterations = 500;
    private const double Tolerance = 1e-12;

    /// <summary>The AUC from histograms alone (pairs within a site estimated like the others).</summary>
    public static double Auc(IEnumerable<ScoreHistogram> histograms) => Auc(histograms.Select(h => (h, double.NaN)).ToList());

    /// <param name="sites">Each site's histogram, and its exact AUC on its own rows (NaN: estimate those pairs from the histogram too).</param>
    public static double Auc(IReadOnlyList<(ScoreHistogram Histogram, double OwnAuc)> sites)
    {
        var histograms = sites.Select(s => s.Histogram).ToList();
        var grid = histograms.SelectMany(EdgesOf).Distinct().Order().ToArray();
        if (grid.Length < 2) return double.NaN;
        var positiveShape = Shape(histograms, h => h.Positives, grid);
        var negativeShape = Shape(histograms, h => h.Negatives, grid);
        var pooledP = new double[grid.Length - 1];
        var pooledN = new double[grid.Length - 1];
        double correction = 0, withinPairs = 0;
        foreach (var (h, ownAuc) in sites)
        {
            var p = Allocate(Bins(h, h.Positives, grid), positiveShape);
            var n = Allocate(Bins(h, h.Negatives, grid), negativeShape);
            for (var g = 0; g < p.Length; g++) { pooledP[g] += p[g]; pooledN[g] += n[g]; }
            var (concordant, pairs) = Concordance(p, n);
            withinPairs += pairs;
            if (!double.IsNaN(ownAuc)) correction += ownAuc * pairs - concordant;
        }
        var (all, allPairs) = Concordance(pooledP, pooledN);
        // One bin everywhere says nothing about how rows of different sites order: no figure rather than a coin toss.
        var blind = grid.Length == 2 && sites.Count > 1 && allPairs - withinPairs > 0.5;
        return allPairs <= 0 || blind ? double.NaN : (all + correction) / allPairs;
    }

    /// <summary>The bin edges of a histogram; equal-width bins when it names none.</summary>
    public static IReadOnlyList<double> EdgesOf(ScoreHistogram h) =>
        h.Edges ?? [.. Enumerable.Range(0, h.Positives.Count + 1).Select(i => (double)i / h.Positives.Count)];

    /// <summary>Positive-negative pairs in different cells ordered by cell, pairs in one cell one half; and the number of pairs.</summary>
    private static (double Concordant, double Pairs) Concordance(double[] positives, double[] negatives)
    {
        double negativesBelow = 0, concordant = 0, totalP = 0, totalN = 0;
        for (var c = 0; c < positives.Length; c++)
        {
            concordant += positives[c] * (negativesBelow + negatives[c] / 2);
            negativesBelow += negatives[c];
            totalP += positives[c];
            totalN += negatives[c];
        }
        return (concordant, totalP * totalN);
    }

    private static List<(int Lo, int Hi, double Count)> Bins(ScoreHistogram h, IReadOnlyList<int> counts, double[] grid)
    {
        var edges = EdgesOf(h);
        var bins = new List<(int Lo, int Hi, double Count)>();
        for (var b = 0; b < counts.Count; b++)
            if (counts[b] > 0) bins.Add((Array.BinarySearch(grid, edges[b]), Array.BinarySearch(grid, edges[b + 1]), counts[b]));
        return bins;
    }

    /// <summary>How the pooled rows of one class fill the grid cells: each bin's count spread over the cells it covers.</summary>
    private static double[] Shape(List<ScoreHistogram> histograms, Func<ScoreHistogram, IReadOnlyList<int>> counts, double[] grid)
    {
        var cells = grid.Length - 1;
        var bins = histograms.SelectMany(h => Bins(h, counts(h), grid)).ToList();
        var total = bins.Sum(b => b.Count);
        var width = new double[cells];
        for (var g = 0; g < cells; g++) width[g] = grid[g + 1] - grid[g];
        if (total == 0) return width;
        var spread = Allocate(bins, width);
        for (var iteration = 0; iteration < MaxIterations; iteration++)
        {
            var next = Allocate(bins, spread);
            var change = 0.0;
            for (var g = 0; g < cells; g++) change = Math.Max(change, Math.Abs(next[g] - spread[g]));
            spread = next;
            if (change <= Tolerance * total) break;
        }
        return spread;
    }

    /// <summary>Each bin's count over its cells in proportion to <paramref name="shape"/> (evenly where the shape is empty).</summary>
    private static double[] Allocate(List<(int Lo, int Hi, double Count)> bins, double[] shape)
    {
        var prefix = new double[shape.Length + 1];
        for (var g = 0; g < shape.Length; g++) prefix[g + 1] = prefix[g] + shape[g];
        var scale = new double[shape.Length + 1];
        var even = new double[shape.Length + 1];
        foreach (var (lo, hi, count) in bins)
        {
            var mass = prefix[hi] - prefix[lo];
            if (mass > 0) { scale[lo] += count / mass; scale[hi] -= count / mass; }
            else { even[lo] += count / (hi - lo); even[hi] -= count / (hi - lo); }
        }
        var result = new double[shape.Length];
        double s = 0, e = 0;
        for (var g = 0; g < shape.Length; g++)
        {
            s += scale[g];
            e += even[g];
            result[g] = shape[g] * s + e;
        }
        return result;
    }
}
