namespace FedHealth.Cli.Local;

/// <summary>
/// What `fedhealth local --summary PATH` writes: the final global model's figures, per site, and the pooled yardstick.
/// <see cref="Metric"/> names what the "auc" figures hold for the job's <see cref="Task"/>: "AUC", or "C-index" for survival.
/// </summary>
public sealed record FederationSummary(
    int Rounds,
    SummaryMetrics Global,
    IReadOnlyList<SummarySite> Sites,
    PooledBaseline PooledBaseline,
    double WallSeconds,
    Guid JobId,
    string Outcome,
    FedHealth.Contracts.CrossSiteReport? CrossSite = null,
    string Task = FedHealth.Contracts.ModelTasks.Binary)
{
    public string Metric => MetricName(Task);

    /// <summary>The discrimination figure of a task: the ROC AUC of a binary outcome, Harrell's C-index of a survival model.</summary>
    public static string MetricName(string task) => task == FedHealth.Contracts.ModelTasks.Survival ? "C-index" : "AUC";
}

public sealed record SummaryMetrics(double Auc, double Accuracy, double Loss);

/// <param name="PersonalAuc">The site's personal model on its held-out rows (a personalised job), else null.</param>
public sealed record SummarySite(string Id, string Jurisdiction, bool Simulated, int TrainSamples, int TestSamples, double Auc, double Accuracy,
    double? Epsilon = null, double? Delta = null, double? PersonalAuc = null);

public sealed record PooledBaseline(double Auc, double Accuracy, double Loss);
