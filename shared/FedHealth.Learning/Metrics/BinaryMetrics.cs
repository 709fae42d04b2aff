using FedHealth.Contracts;

namespace FedHealth.Learning.Metrics;

/// <summary>AUC, accuracy and log-loss of predicted probabilities against 0/1 labels.</summary>
public static class BinaryMetrics
{
    public static ModelMetrics Compute(ReadOnlySpan<float> probabilities, ReadOnlySpan<float> labels)
    {
        if (probabilities.Length != labels.Length) throw new ArgumentException("one probability per label");
        double loss = 0;
        var correct = 0;
        for (var i = 0; i < labels.Length; i++)
        {
            var p = Math.Clamp(probabilities[i], 1e-7, 1 - 1e-7);
            var y = labels[i];
            loss -= y * Math.Log(p) + (1 - y) * Math.Log(1 - p);
            if ((probabilities[i] >= 0.5f) == (y >= 0.5f)) correct++;
        }
        var n = Math.Max(labels.Length, 1);
        return new ModelMetrics { Auc = Auc(probabilities, labels), Accuracy = (double)correct / n, Loss = loss / n, Samples = labels.Length };
    }

    /// <summary>Exact AUC (Mann-Whitney U, ties count one half); NaN when only one class is present.</summary>
    public static double Auc(ReadOnlySpan<float> scores, ReadOnlySpan<float> labels)
    {
        var order = new int[scores.Length];
        for (var i = 0; i < order.Length; i++) order[i] = i;
        var s = scores.ToArray();
        Array.Sort(order, (a, b) => s[a].CompareTo(s[b]));
        double rankSumPositives = 0;
        long positives = 0;
        var k = 0;
        while (k < order.Length)
        {
            var end = k;
            while (end + 1 < order.Length && s[order[end + 1]] == s[order[k]]) end++;
            var averageRank = (k + end) / 2.0 + 1;
            for (var j = k; j <= end; j++)
                if (labels[order[j]] >= 0.5f) { rankSumPositives += averageRank; positives++; }
            k = end + 1;
        }
        long negatives = scores.Length - positives;
        if (positives == 0 || negatives == 0) return double.NaN;
        return (rankSumPositives - positives * (positives + 1) / 2.0) / ((double)positives * negatives);
    }

    /// <summary>
    /// The histogram a site may send: rows counted in <see cref="ScoreHistogram.FineBins"/> equal bins, then
    /// coarsened until no cell holds 1 to <paramref name="minCell"/> − 1 rows of a class (<see cref="SmallCellCoarsening"/>).
    /// A <paramref name="minCell"/> of 1 keeps the fine bins (for measuring what coarsening costs; a receiver refuses them).
    /// </summary>
    public static ScoreHistogram Histogram(ReadOnlySpan<float> probabilities, ReadOnlySpan<float> labels, int minCell = ScoreHistogram.MinCell)
    {
        if (probabilities.Length != labels.Length) throw new ArgumentException("one probability per label");
        const int bins = ScoreHistogram.FineBins;
        var pos = new int[bins];
        var neg = new int[bins];
        for (var i = 0; i < labels.Length; i++)
        {
            var bin = Math.Clamp((int)(probabilities[i] * bins), 0, bins - 1);
            if (labels[i] >= 0.5f) pos[bin]++; else neg[bin]++;
        }
        return minCell <= 1
            ? new ScoreHistogram { Edges = [.. Enumerable.Range(0, bins + 1).Select(b => (double)b / bins)], Positives = [.. pos], Negatives = [.. neg] }
            : SmallCellCoarsening.Coarsen(pos, neg, minCell);
    }

    /// <summary>AUC from one histogram's bins: pairs in different bins are ordered by bin, pairs in one bin count one half.</summary>
    public static double AucFromHistogram(ScoreHistogram h) => PooledScores.Auc([h]);

    /// <summary>One figure for several sites' held-out rows: AUC from their pooled histograms (<see cref="PooledScores"/>), the rest weighted by
    /// rows.</summary>
    public static ModelMetrics Pool(IReadOnlyCollection<SiteEvaluation> evaluations)
    {
        var total = evaluations.Sum(e => e.Metrics.Samples);
        if (total == 0) return new ModelMetrics { Auc = double.NaN, Accuracy = double.NaN, Loss = double.NaN, Samples = 0 };
        return new ModelMetrics
        {
            Auc = PooledScores.Auc(evaluations.Where(e => e.Histogram is not null).Select(e => (e.Histogram!, e.Metrics.Auc)).ToList()),
            Accuracy = evaluations.Sum(e => e.Metrics.Accuracy * e.Metrics.Samples) / total,
            Loss = evaluations.Sum(e => e.Metrics.Loss * e.Metrics.Samples) / total,
            Samples = total,
        };
    }
}
