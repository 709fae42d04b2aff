using FedHealth.Contracts;

namespace FedHealth.Learning.Metrics;

/// <summary>
/// A multiclass model's figures: accuracy, balanced accuracy, one-vs-rest AUCs and their macro mean, and the confusion
/// matrix, on one site's rows (<see cref="Evaluate"/>) or pooled from sites' figures without any row (<see cref="Pool"/>).
/// </summary>
public static class MulticlassMetrics
{
    /// <param name="probabilities">Row-major softmax probabilities, <paramref name="classes"/> per row.</param>
    /// <param name="labels">Class indices 0 to classes − 1.</param>
    /// <param name="minCell">The small-cell floor of the confusion matrix and histograms sent; 1 keeps them exact (for tests and the bench).</param>
    public static (ModelMetrics Metrics, IReadOnlyList<ScoreHistogram> Histograms) Evaluate(ReadOnlySpan<float> probabilities, ReadOnlySpan<float> labels,
        int classes, int minCell = ScoreHistogram.MinCell)
    {
        var n = labels.Length;
        if (probabilities.Length != n * classes) throw new ArgumentException($"{n} rows of {classes} classes need {n * classes} probabilities");
        var confusion = Enumerable.Range(0, classes).Select(_ => new long[classes]).ToArray();
        double loss = 0;
        for (var i = 0; i < n; i++)
        {
            var row = probabilities.Slice(i * classes, classes);
            var predicted = 0;
            for (var c = 1; c < classes; c++) if (row[c] > row[predicted]) predicted = c;
            var y = (int)labels[i];
            confusion[y][predicted]++;
            loss -= Math.Log(Math.Clamp(row[y], 1e-7, 1));
        }
        var histograms = new List<ScoreHistogram>();
        var aucs = new double[classes];
        var rowsOf = confusion.Select(r => r.Sum()).ToArray();
        for (var c = 0; c < classes; c++)
        {
            var scores = new float[n];
            var isClass = new float[n];
            for (var i = 0; i < n; i++) { scores[i] = probabilities[i * classes + c]; isClass[i] = (int)labels[i] == c ? 1 : 0; }
            histograms.Add(BinaryMetrics.Histogram(scores, isClass, minCell));
            // As for a subgroup: an AUC over a handful of one class is their ranks among the rest, so it needs MinRows of each.
            aucs[c] = rowsOf[c] >= minCell && n - rowsOf[c] >= minCell ? BinaryMetrics.Auc(scores, isClass) : double.NaN;
        }
        var sent = minCell <= 1 ? confusion : ConfusionSuppression.Suppress(confusion, minCell);
        var figures = Figures(classes, rowsOf, sent, aucs);
        var correct = Enumerable.Range(0, classes).Sum(c => confusion[c][c]);
        return (new ModelMetrics
        {
            Auc = double.NaN, Accuracy = n == 0 ? double.NaN : (double)correct / n, Loss = n == 0 ? double.NaN : loss / n, Samples = n,
            Multiclass = figures,
        }, histograms);
    }

    /// <summary>The figures of a confusion matrix (exact diagonal) over its class rows, with the given one-vs-rest AUCs.</summary>
    public static MulticlassFigures Figures(int classes, IReadOnlyList<long> classRows, IReadOnlyList<IReadOnlyList<long>> confusion,
        IReadOnlyList<double> oneVsRestAuc) => new()
        {
            Classes = classes, ClassRows = [.. classRows], Confusion = [.. confusion.Select(r => (IReadOnlyList<long>)[.. r])],
            BalancedAccuracy = BalancedAccuracy(classRows, confusion), OneVsRestAuc = [.. oneVsRestAuc], MacroAuc = Macro(oneVsRestAuc),
        };

    /// <summary>The mean over classes with rows of the share predicted right (NaN with no rows at all).</summary>
    public static double BalancedAccuracy(IReadOnlyList<long> classRows, IReadOnlyList<IReadOnlyList<long>> confusion)
    {
        var recalls = Enumerable.Range(0, classRows.Count).Where(c => classRows[c] > 0).Select(c => (double)confusion[c][c] / classRows[c]).ToList();
        return recalls.Count == 0 ? double.NaN : recalls.Average();
    }

    /// <summary>The mean of the finite AUCs; NaN when none is.</summary>
    public static double Macro(IEnumerable<double> aucs)
    {
        var finite = aucs.Where(double.IsFinite).ToList();
        return finite.Count == 0 ? double.NaN : finite.Average();
    }

    /// <summary>
    /// One figure for several sites' held-out rows: accuracy, class rows and balanced accuracy exact (the diagonals add up),
    /// the confusion matrix as the sum of what the sites sent, and each class's one-vs-rest AUC from the sites' histograms
    /// of it pooled as a binary AUC is (<see cref="PooledScores"/>, each site's own AUC of the class counting its own pairs).
    /// </summary>
    public static ModelMetrics Pool(IReadOnlyCollection<SiteEvaluation> evaluations)
    {
        var total = evaluations.Sum(e => e.Metrics.Samples);
        var figures = evaluations.Select(e => e.Metrics.Multiclass).OfType<MulticlassFigures>().ToList();
        if (total == 0 || figures.Count == 0) return new ModelMetrics { Auc = double.NaN, Accuracy = double.NaN, Loss = double.NaN, Samples = total };
        var classes = figures[0].Classes;
        var rows = Enumerable.Range(0, classes).Select(c => figures.Sum(f => f.ClassRows[c])).ToArray();
        var confusion = Enumerable.Range(0, classes)
            .Select(r => Enumerable.Range(0, classes).Select(c => figures.Sum(f => f.Confusion[r][c])).ToArray()).ToArray();
        var aucs = Enumerable.Range(0, classes).Select(c => PooledScores.Auc(evaluations
            .Where(e => e.ClassHistograms is { } h && h.Count == classes && e.Metrics.Multiclass is not null)
            .Select(e => (e.ClassHistograms![c], e.Metrics.Multiclass!.OneVsRestAuc[c])).ToList())).ToArray();
        return new ModelMetrics
        {
            Auc = double.NaN,
            Accuracy = (double)Enumerable.Range(0, classes).Sum(c => confusion[c][c]) / total,
            Loss = evaluations.Sum(e => e.Metrics.Loss * e.Metrics.Samples) / total,
            Samples = total,
            Multiclass = Figures(classes, rows, confusion, aucs),
        };
    }
}
