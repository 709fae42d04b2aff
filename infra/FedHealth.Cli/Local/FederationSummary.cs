using FedHealth.Contracts;
using FedHealth.Learning.Metrics;

namespace FedHealth.Cli.Local;

/// <summary>
/// What `fedhealth local --summary PATH` writes: the final global model's figures, per site, and the pooled yardstick.
/// <see cref="Metric"/> names the task's headline figure (<see cref="PrimaryFigure"/>), which each part carries as its
/// <c>figure</c>: "AUC", "C-index" for survival, "accuracy" for multiclass, "RMSE" for regression (lower better,
/// <see cref="HigherIsBetter"/>). The "auc" fields hold the AUC or C-index only (NaN for multiclass and regression);
/// multiclass and regression parts also carry their task's own figures.
/// </summary>
public sealed record FederationSummary(
    int Rounds,
    SummaryMetrics Global,
    IReadOnlyList<SummarySite> Sites,
    PooledBaseline PooledBaseline,
    double WallSeconds,
    Guid JobId,
    string Outcome,
    CrossSiteReport? CrossSite = null,
    string Task = ModelTasks.Binary)
{
    public string Metric => MetricName(Task);
    public bool HigherIsBetter => PrimaryFigure.HigherIsBetterFor(Task);

    /// <summary>
    /// The headline figure of a task: the ROC AUC of a binary outcome, Harrell's C-index of a survival model, multiclass
    /// accuracy, regression RMSE.
    /// </summary>
    public static string MetricName(string task) => PrimaryFigure.NameOf(task);
}

public sealed record SummaryMetrics(double Auc, double Accuracy, double Loss)
{
    /// <summary>The task's headline figure (<see cref="FederationSummary.Metric"/>).</summary>
    public double Figure { get; init; } = Auc;
    public MulticlassFigures? Multiclass { get; init; }
    public RegressionFigures? Regression { get; init; }

    public static SummaryMetrics Of(string task, ModelMetrics m) => new(m.Auc, m.Accuracy, m.Loss)
    {
        Figure = PrimaryFigure.ValueOf(task, m), Multiclass = m.Multiclass, Regression = m.Regression,
    };
}

/// <param name="PersonalAuc">The site's personal model on its held-out rows (a personalised job): its headline figure, else null.</param>
public sealed record SummarySite(string Id, string Jurisdiction, bool Simulated, int TrainSamples, int TestSamples, double Auc, double Accuracy,
    double? Epsilon = null, double? Delta = null, double? PersonalAuc = null)
{
    /// <summary>The task's headline figure on the site's held-out rows (<see cref="FederationSummary.Metric"/>).</summary>
    public double Figure { get; init; } = Auc;
    public MulticlassFigures? Multiclass { get; init; }
    public RegressionFigures? Regression { get; init; }
}

public sealed record PooledBaseline(double Auc, double Accuracy, double Loss)
{
    public double Figure { get; init; } = Auc;
    public MulticlassFigures? Multiclass { get; init; }
    public RegressionFigures? Regression { get; init; }
}
