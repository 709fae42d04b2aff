using FedHealth.Contracts;

namespace FedHealth.Cli.Local;

/// <summary>How the CLI prints each task's own figures beside its headline figure.</summary>
public static class TaskFigures
{
    /// <summary>The figures after the headline: accuracy (binary), balanced accuracy and macro AUC (multiclass), MAE and R² (regression).</summary>
    public static string Describe(string task, SummaryMetrics m) => task switch
    {
        ModelTasks.Multiclass when m.Multiclass is { } f => $", balanced accuracy {f.BalancedAccuracy:F4}, macro one-vs-rest AUC {F(f.MacroAuc)}",
        ModelTasks.Regression when m.Regression is { } r => $" (label units), MAE {r.Mae:F4}, R² {F(r.R2)}",
        _ => double.IsNaN(m.Accuracy) ? "" : $", accuracy {m.Accuracy:F4}",
    };

    /// <summary>
    /// The pooled confusion matrix: the diagonal exact, an off-diagonal cell the sum of what the sites sent (each site
    /// sends a cell of under 10 patients as 0), and per true class how many rows sit in such suppressed cells.
    /// </summary>
    public static void PrintConfusion(MulticlassFigures f, TextWriter output)
    {
        var width = Math.Max(6, f.ClassRows.Max().ToString().Length + 2);
        output.WriteLine();
        output.WriteLine("Confusion matrix of the global model, all held-out rows (rows: true class, columns: predicted; cells of under 10 patients " +
            "at a site are sent as 0, counted under 'suppressed')");
        output.WriteLine($"{"class",6}" + string.Join("", Enumerable.Range(0, f.Classes).Select(c => $"{c}".PadLeft(width))) + $"{"rows",8}{"suppressed",12}");
        for (var r = 0; r < f.Classes; r++)
            output.WriteLine($"{r,6}" + string.Join("", f.Confusion[r].Select(c => $"{c}".PadLeft(width))) + $"{f.ClassRows[r],8}" +
                $"{f.ClassRows[r] - f.Confusion[r].Sum(),12}");
    }

    private static string F(double x) => double.IsFinite(x) ? x.ToString("F4") : "-";
}
