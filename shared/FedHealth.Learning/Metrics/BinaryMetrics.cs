using FedHealth.Contracts;

namespace FedHealth.Learning.Metrics;

/// <summary>AUC, accuracy and log-loss of predicted probabilities against 0/1 labels.</summary>
public static class BinaryMetrics
{
    public const int HistogramBins = 1000;

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

    public static ScoreHistogram Histogram(ReadOnlySpan<float> probabilities, ReadOnlySpan<float> labels, int bins = HistogramBins)
    {
        var pos = new int[bins];
        var neg = new int[bins];
        for (var i = 0; i < labels.Length; i++)
        {
            var bin = Math.Clamp((int)(probabilities[i] * bins), 0, bins - 1);
            if (labels[i] >= 0.5f) pos[bin]++; else neg[bin]++;
        }
        return new ScoreHistogram { Positives = pos, Negatives = neg };
    }

    /// <summary>Adds histograms of equal bin count (one per site) into one.</summary>
    public static ScoreHistogram Merge(IEnumerable<ScoreHistogram> histograms)
    {
        int[]? pos = null, neg = null;
        foreach (var h in histograms)
        {
            pos ??= new int[h.Positives.Length];
            neg ??= new int[h.Negatives.Length];
            if (h.Positives.Length != pos.Length || h.Negatives.Length != neg.Length)
                throw new ArgumentException("histograms have different bin counts");
            for (var b = 0; b < pos.Length; b++) { pos[b] += h.Positives[b]; neg[b] += h.Negatives[b]; }
        }
        return new ScoreHistogram { Positives = pos ?? [], Negatives = neg ?? [] };
    }

    /// <summary>
    /// AUC from binned scores: pairs in different bins are ordered by bin, pairs in one bin count one half. With
    /// 1000 bins this differs from the exact AUC only by the share of positive-negative pairs that fall in one bin.
    /// </summary>
    public static double AucFromHistogram(ScoreHistogram h)
    {
        double negativesBelow = 0, concordant = 0;
        long positives = 0, negatives = 0;
        for (var b = 0; b < h.Positives.Length; b++)
        {
            concordant += h.Positives[b] * (negativesBelow + h.Negatives[b] / 2.0);
            negativesBelow += h.Negatives[b];
            positives += h.Positives[b];
            negatives += h.Negatives[b];
        }
        return positives == 0 || negatives == 0 ? double.NaN : concordant / ((double)positives * negatives);
    }

    /// <summary>One figure for several sites' held-out rows: AUC from the merged histogram, the rest weighted by rows.</summary>
    public static ModelMetrics Pool(IReadOnlyCollection<SiteEvaluation> evaluations)
    {
        var total = evaluations.Sum(e => e.Metrics.Samples);
        if (total == 0) return new ModelMetrics { Auc = double.NaN, Accuracy = double.NaN, Loss = double.NaN, Samples = 0 };
        return new ModelMetrics
        {
            Auc = AucFromHistogram(Merge(evaluations.Select(e => e.Histogram))),
            Accuracy = evaluations.Sum(e => e.Metrics.Accuracy * e.Metrics.Samples) / total,
            Loss = evaluations.Sum(e => e.Metrics.Loss * e.Metrics.Samples) / total,
            Samples = total,
        };
    }
}
