using FedHealth.Contracts;
using FedHealth.Learning.Metrics;

namespace FedHealth.Tests.Learning;

/// <summary>Multiclass figures against values worked out by hand, and pooled across sites exactly where they add up.</summary>
public sealed class MulticlassMetricsTests
{
    // Six rows of three classes; predicted 0, 1, 1, 2, 2, 2.
    private static readonly float[] Probabilities =
    [
        0.7f, 0.2f, 0.1f,
        0.4f, 0.5f, 0.1f,
        0.1f, 0.8f, 0.1f,
        0.3f, 0.3f, 0.4f,
        0.2f, 0.2f, 0.6f,
        0.1f, 0.1f, 0.8f,
    ];
    private static readonly float[] Labels = [0, 0, 1, 1, 2, 2];

    [Fact]
    public void Accuracy_balanced_accuracy_one_vs_rest_aucs_and_the_confusion_matrix_are_those_worked_out_by_hand()
    {
        var (m, histograms) = MulticlassMetrics.Evaluate(Probabilities, Labels, classes: 3, minCell: 1);
        var f = m.Multiclass!;
        Assert.Equal([[1, 1, 0], [0, 1, 1], [0, 0, 2]], f.Confusion.Select(r => r.ToArray()).ToArray());
        Assert.Equal([2L, 2, 2], f.ClassRows);
        Assert.Equal(4.0 / 6, m.Accuracy, 12);
        // Recall 1/2, 1/2 and 2/2.
        Assert.Equal(2.0 / 3, f.BalancedAccuracy, 12);
        // Class 1 against the rest: 0.8 beats all four others, 0.3 beats three of them (not 0.5): 7 of 8 pairs.
        Assert.Equal([1.0, 0.875, 1.0], f.OneVsRestAuc.Select(a => Math.Round(a, 12)));
        Assert.Equal((1 + 0.875 + 1) / 3, f.MacroAuc, 12);
        Assert.Equal(-(Math.Log(0.7) + Math.Log(0.4) + Math.Log(0.8) + Math.Log(0.3) + Math.Log(0.6) + Math.Log(0.8)) / 6, m.Loss, 6);
        Assert.True(double.IsNaN(m.Auc));
        Assert.Equal(3, histograms.Count);
        Assert.All(histograms.Select((h, c) => (h, c)), x => Assert.Equal(2, x.h.Positives.Sum()));
    }

    [Fact]
    public void Pooled_accuracy_balanced_accuracy_and_macro_auc_equal_those_over_the_sites_rows_put_together()
    {
        var random = new Random(5);
        var sites = Enumerable.Range(0, 3).Select(_ => Rows(random, 40)).ToList();
        var evaluations = sites.Select((s, i) =>
        {
            var (m, h) = MulticlassMetrics.Evaluate(s.P, s.Y, 3, minCell: 1);
            return new SiteEvaluation { SiteId = $"S{i}", Metrics = m, ClassHistograms = h };
        }).ToList();
        var pooled = TaskMetrics.Pool(ModelTasks.Multiclass, evaluations);
        var (all, _) = MulticlassMetrics.Evaluate(sites.SelectMany(s => s.P).ToArray(), sites.SelectMany(s => s.Y).ToArray(), 3, minCell: 1);
        Assert.Equal(all.Accuracy, pooled.Accuracy, 12);
        Assert.Equal(all.Multiclass!.BalancedAccuracy, pooled.Multiclass!.BalancedAccuracy, 12);
        Assert.Equal(all.Multiclass.Confusion.Select(r => r.ToArray()), pooled.Multiclass.Confusion.Select(r => r.ToArray()));
        // Scores on a grid of 1/100 fall in distinct fine bins (1/1024), ties in the same one: the binned AUC is the exact one.
        for (var c = 0; c < 3; c++) Assert.Equal(all.Multiclass.OneVsRestAuc[c], pooled.Multiclass.OneVsRestAuc[c], 9);
        Assert.Equal(all.Loss, pooled.Loss, 6);
        Assert.Equal(120, pooled.Samples);
    }

    [Fact]
    public void A_site_sends_no_off_diagonal_cell_under_ten_and_never_leaves_the_suppressed_rows_of_a_row_in_one_cell()
    {
        long[][] exact = [[50, 3, 12], [2, 40, 0], [0, 5, 30]];
        long[] rows = [65, 42, 35];
        var sent = ConfusionSuppression.Suppress(exact);
        // Row 0 would show its 3 suppressed rows in its only zero cell: its smallest shown cell (12) goes too.
        Assert.Equal([[50, 0, 0], [0, 40, 0], [0, 0, 30]], sent);
        Assert.Null(ConfusionSuppression.Problem(sent.Select(r => (IReadOnlyList<long>)r).ToList(), rows));
        Assert.Equal("confusion[0][1] holds 3 rows: an off-diagonal cell of 1 to 9 rows could single out patients (send 0 or 10+)",
            ConfusionSuppression.Problem(exact.Select(r => (IReadOnlyList<long>)r).ToList(), rows));
        Assert.Equal("confusion[0] leaves 3 suppressed rows in a single cell shown as 0, which tells that cell",
            ConfusionSuppression.Problem([[50, 0, 12], [0, 40, 0], [0, 0, 30]], rows));
    }

    [Fact]
    public void A_class_with_fewer_than_ten_rows_at_a_site_has_no_one_vs_rest_auc_there()
    {
        var random = new Random(2);
        var (p, y) = Rows(random, 24, classes: [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2, 2, 2, 2]);
        var (m, _) = MulticlassMetrics.Evaluate(p, y, 3);
        Assert.True(double.IsFinite(m.Multiclass!.OneVsRestAuc[0]));
        Assert.True(double.IsNaN(m.Multiclass.OneVsRestAuc[2]));
        Assert.Equal(MulticlassMetrics.Macro(m.Multiclass.OneVsRestAuc.Take(2)), m.Multiclass.MacroAuc, 12);
    }

    /// <summary>Rows of three classes with probabilities on a 1/100 grid that lean to the true class.</summary>
    private static (float[] P, float[] Y) Rows(Random random, int n, int[]? classes = null)
    {
        var p = new float[n * 3];
        var y = new float[n];
        for (var i = 0; i < n; i++)
        {
            y[i] = classes?[i] ?? random.Next(3);
            var raw = Enumerable.Range(0, 3).Select(c => random.Next(1, 50) + (c == (int)y[i] ? 30 : 0)).ToArray();
            var total = raw.Sum();
            for (var c = 0; c < 3; c++) p[i * 3 + c] = MathF.Round(raw[c] * 100f / total) / 100f;
        }
        return (p, y);
    }
}
