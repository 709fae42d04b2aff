using System.Text;
using FedHealth.Contracts;

namespace FedHealth.Cli.Local;

/// <summary>A label-counts job's result as the terminal shows it, beside the pooled count where one machine holds every site's rows.</summary>
public static class LabelCountTable
{
    /// <param name="pooled">Rows per label then the total, counted on the pooled rows (a local run's check); null when nobody holds them.</param>
    public static string Render(LabelCountReport report, IReadOnlyList<long>? pooled = null)
    {
        var text = new StringBuilder();
        text.AppendLine($"Rows per label, summed under secure aggregation from {string.Join(", ", report.Contributors)} (no site's own counts were seen):");
        string Shown(long? rows) => rows is { } n ? n.ToString("N0") : $"fewer than {report.SuppressedBelow}";
        var lines = report.Labels.Select((l, i) => (Name: $"label {l.Label}", Rows: l.Rows, Pooled: pooled?[i]))
            .Append((Name: "total", Rows: report.TotalRows, Pooled: pooled?[^1])).ToList();
        foreach (var (name, rows, check) in lines)
            text.AppendLine($"  {name,-9} {Shown(rows),14}{(check is { } p ? $"   pooled {p,8:N0}" : "")}");
        foreach (var left in report.LeftOut) text.AppendLine($"  left out: {left.SiteId}: {left.Reason}");
        if (pooled is not null)
        {
            var agrees = lines.All(l => l.Rows is null || l.Rows == l.Pooled);
            text.Append(agrees ? "The secure sum equals the count of the pooled rows." : "The secure sum DIFFERS from the count of the pooled rows.");
        }
        return text.ToString().TrimEnd();
    }
}
