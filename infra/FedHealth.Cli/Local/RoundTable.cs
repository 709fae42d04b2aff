using FedHealth.Contracts;

namespace FedHealth.Cli.Local;

/// <summary>The per-round table `fedhealth local` prints: global figures, then each site's held-out AUC (C-index for survival).</summary>
public sealed class RoundTable(TextWriter output, IReadOnlyList<string> siteIds)
{
    /// <param name="metric">What the discrimination figures are: "AUC", or "C-index" for survival.</param>
    public void Header(string metric = "AUC")
    {
        output.WriteLine($"{"round",6} {"global " + metric,10} {"accuracy",8} {"loss",7} {"train loss",10} {"max ε",7} {"sec",6}  " +
                         string.Join(" ", siteIds.Select(id => $"{Short(id),14}")) + "  left out");
    }

    public void Row(RoundCompleted r)
    {
        var sites = siteIds.Select(id => r.Sites.FirstOrDefault(s => s.SiteId == id)?.Metrics.Auc is { } auc ? $"{auc,14:F4}" : $"{"-",14}");
        var leftOut = r.LeftOut.Count == 0 ? "-" : string.Join("; ", r.LeftOut.Select(l => $"{l.SiteId}: {l.Reason}"));
        var epsilon = r.Privacy.Count == 0 ? "-" : r.Privacy.Max(p => p.Epsilon).ToString("F3");
        output.WriteLine($"{r.Round,6} {F(r.Global?.Auc),10} {F(r.Global?.Accuracy),8} {F(r.Global?.Loss),7} {r.TrainLoss,10:F4} {epsilon,7} {r.Seconds,6:F2}" +
            $"  {string.Join(" ", sites)}  {leftOut}");
    }

    private static string F(double? x) => x is { } v && double.IsFinite(v) ? v.ToString("F4") : "-";

    private static string Short(string id) => id.Length <= 14 ? id : id[..14];
}
