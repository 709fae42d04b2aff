using FedHealth.Contracts;
using FedHealth.Learning.Metrics;

namespace FedHealth.Cli.Local;

/// <summary>
/// The per-round table `fedhealth local` prints: the global headline figure of the job's task (AUC, C-index, accuracy or
/// RMSE), a second figure (accuracy; balanced accuracy for multiclass; R² for regression), the loss, then each site's
/// held-out headline figure.
/// </summary>
public sealed class RoundTable(TextWriter output, IReadOnlyList<string> siteIds)
{
    private string task = ModelTasks.Binary;

    /// <param name="task">The job's task (<see cref="ModelTasks"/>): it names and picks the figures.</param>
    public void Header(string task = ModelTasks.Binary)
    {
        this.task = task;
        output.WriteLine($"{"round",6} {"global " + PrimaryFigure.NameOf(task),10} {SecondName(task),8} {"loss",7} {"train loss",10} {"max ε",7} {"sec",6}  " +
                         string.Join(" ", siteIds.Select(id => $"{Short(id),14}")) + "  left out");
    }

    public void Row(RoundCompleted r)
    {
        var sites = siteIds.Select(id => r.Sites.FirstOrDefault(s => s.SiteId == id)?.Metrics is { } m && double.IsFinite(PrimaryFigure.ValueOf(task, m))
            ? $"{PrimaryFigure.ValueOf(task, m),14:F4}" : $"{"-",14}");
        var leftOut = r.LeftOut.Count == 0 ? "-" : string.Join("; ", r.LeftOut.Select(l => $"{l.SiteId}: {l.Reason}"));
        var epsilon = r.Privacy.Count == 0 ? "-" : r.Privacy.Max(p => p.Epsilon).ToString("F3");
        output.WriteLine($"{r.Round,6} {F(PrimaryFigure.ValueOf(task, r.Global)),10} {F(Second(task, r.Global)),8} {F(r.Global?.Loss),7} {r.TrainLoss,10:F4} " +
            $"{epsilon,7} {r.Seconds,6:F2}  {string.Join(" ", sites)}  {leftOut}");
    }

    /// <summary>The table's second figure: balanced accuracy for multiclass, R² for regression, accuracy otherwise.</summary>
    public static string SecondName(string task) => task switch
    {
        ModelTasks.Multiclass => "bal. acc",
        ModelTasks.Regression => "R²",
        _ => "accuracy",
    };

    public static double? Second(string task, ModelMetrics? m) => task switch
    {
        ModelTasks.Multiclass => m?.Multiclass?.BalancedAccuracy,
        ModelTasks.Regression => m?.Regression?.R2,
        _ => m?.Accuracy,
    };

    private static string F(double? x) => x is { } v && double.IsFinite(v) ? v.ToString("F4") : "-";

    private static string Short(string id) => id.Length <= 14 ? id : id[..14];
}
