using FedHealth.Contracts;
using FedHealth.Learning.Metrics;

namespace FedHealth.Cli.Local;

/// <summary>Prints a job's cross-site matrix: each final model (rows) on each site's held-out rows (columns), by the task's headline figure.</summary>
public static class CrossSiteTable
{
    /// <param name="task">The job's task: the cells are its headline figure (<see cref="PrimaryFigure"/>: AUC, C-index, accuracy or RMSE).</param>
    public static void Print(CrossSiteReport report, IReadOnlyList<string> sites, TextWriter output, string task = ModelTasks.Binary)
    {
        var metric = PrimaryFigure.NameOf(task);
        var width = Math.Max(10, sites.Max(s => s.Length) + 2);
        var labelWidth = Math.Max(8, sites.Max(s => s.Length) + "personal model of ".Length + 2);
        output.WriteLine();
        output.WriteLine($"Cross-site evaluation: each final model (rows) on each site's held-out rows (columns), {metric}");
        output.WriteLine($"{"model".PadRight(labelWidth)}" + string.Join("", sites.Select(s => s.PadLeft(width))));
        foreach (var row in report.Cells.GroupBy(c => c.PersonalOf).OrderBy(g => g.Key is null ? "" : g.Key, StringComparer.Ordinal))
        {
            var label = row.Key is null ? "global" : $"personal model of {row.Key}";
            output.WriteLine(label.PadRight(labelWidth) + string.Join("", sites.Select(s =>
                (PrimaryFigure.ValueOf(task, row.FirstOrDefault(c => c.SiteId == s)?.Metrics) is var v && double.IsFinite(v) ? v.ToString("F4") : "-")
                .PadLeft(width))));
        }
        foreach (var w in report.Withheld) output.WriteLine($"  personal model of {w.SiteId} not in the matrix: {w.Reason}");
        foreach (var n in report.NotScored) output.WriteLine($"  {n.SiteId} scored no model: {n.Reason}");
    }
}
