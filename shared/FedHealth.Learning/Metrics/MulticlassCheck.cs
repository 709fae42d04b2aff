using FedHealth.Contracts;

namespace FedHealth.Learning.Metrics;

/// <summary>
/// What a receiver checks in a site's multiclass figures before pooling them: as many classes as the job's model has,
/// class rows adding up to the samples, a confusion matrix of that size whose rows fit their class and whose small cells
/// are suppressed (<see cref="ConfusionSuppression"/>), and an accuracy, balanced accuracy and macro AUC that follow from
/// what was sent. Each problem names the field, as the coordinator's refusal reads it out.
/// </summary>
public static class MulticlassCheck
{
    private const double Tolerance = 1e-9;

    public static string? Problem(ModelMetrics m, int classes)
    {
        if (m.Multiclass is not { } f) return "has no multiclass figures, which a multiclass job needs";
        if (f.Classes != classes) return $"multiclass.classes is {f.Classes}, but the job's model has {classes}";
        if (f.ClassRows is null || f.ClassRows.Count != classes) return $"multiclass.classRows has {f.ClassRows?.Count ?? 0} values for {classes} classes";
        if (f.ClassRows.Any(r => r < 0) || f.ClassRows.Sum() != m.Samples)
            return $"multiclass.classRows ({string.Join(", ", f.ClassRows)}) do not add up to its {m.Samples} samples";
        if (f.Confusion is null || f.Confusion.Count != classes || f.Confusion.Any(r => r is null || r.Count != classes))
            return $"multiclass.confusion is not {classes} × {classes}";
        for (var r = 0; r < classes; r++)
        {
            if (f.Confusion[r].Any(c => c < 0)) return $"multiclass.confusion[{r}] has a negative count";
            if (f.Confusion[r].Sum() > f.ClassRows[r])
                return $"multiclass.confusion[{r}] counts {f.Confusion[r].Sum()} rows, more than the {f.ClassRows[r]} of class {r}";
        }
        if (ConfusionSuppression.Problem(f.Confusion, f.ClassRows) is { } small) return $"multiclass.{small}";
        var accuracy = (double)Enumerable.Range(0, classes).Sum(c => f.Confusion[c][c]) / m.Samples;
        if (!Same(m.Accuracy, accuracy)) return $"has accuracy {m.Accuracy}, but its confusion matrix gives {accuracy}";
        var balanced = MulticlassMetrics.BalancedAccuracy(f.ClassRows, f.Confusion);
        if (!Same(f.BalancedAccuracy, balanced)) return $"has balanced accuracy {f.BalancedAccuracy}, but its confusion matrix gives {balanced}";
        if (f.OneVsRestAuc is null || f.OneVsRestAuc.Count != classes)
            return $"multiclass.oneVsRestAuc has {f.OneVsRestAuc?.Count ?? 0} values for {classes} classes";
        for (var c = 0; c < classes; c++)
        {
            var auc = f.OneVsRestAuc[c];
            if (!(double.IsNaN(auc) || auc is >= 0 and <= 1)) return $"multiclass.oneVsRestAuc[{c}] is {auc}, not in [0, 1]";
            var scored = f.ClassRows[c] >= SubgroupMetrics.MinRows && m.Samples - f.ClassRows[c] >= SubgroupMetrics.MinRows;
            if (!double.IsNaN(auc) && !scored)
                return $"multiclass.oneVsRestAuc[{c}] is given for {f.ClassRows[c]} of {m.Samples} rows " +
                    $"(scored only with {SubgroupMetrics.MinRows}+ of the class and of the rest)";
        }
        var macro = MulticlassMetrics.Macro(f.OneVsRestAuc);
        if (!Same(f.MacroAuc, macro)) return $"has macro AUC {f.MacroAuc}, but its one-vs-rest AUCs give {macro}";
        return null;
    }

    /// <summary>The one-vs-rest histograms: one per class, each well-formed and free of small cells, its positives the class's rows.</summary>
    public static string? HistogramsProblem(IReadOnlyList<ScoreHistogram>? histograms, ModelMetrics m, int classes)
    {
        if (histograms is null || histograms.Count != classes) return $"classHistograms has {histograms?.Count ?? 0} histograms for {classes} classes";
        for (var c = 0; c < classes; c++)
        {
            if (ScoreHistogramCheck.Problem(histograms[c], m.Samples) is { } bad) return $"classHistograms[{c}]: {bad}";
            if (m.Multiclass is { } f && histograms[c].Positives.Sum(p => (long)p) != f.ClassRows[c])
                return $"classHistograms[{c}] holds {histograms[c].Positives.Sum()} rows of class {c}, but multiclass.classRows[{c}] is {f.ClassRows[c]}";
        }
        return null;
    }

    private static bool Same(double a, double b) => double.IsNaN(a) ? double.IsNaN(b) : Math.Abs(a - b) <= Tolerance;
}
