namespace FedHealth.Cli.Local;

/// <summary>What `fedhealth local --summary PATH` writes: the final global model's figures, per site, and the pooled yardstick.</summary>
public sealed record FederationSummary(
    int Rounds,
    SummaryMetrics Global,
    IReadOnlyList<SummarySite> Sites,
    PooledBaseline PooledBaseline,
    double WallSeconds,
    Guid JobId,
    string Outcome,
    FedHealth.Contracts.CrossSiteReport? CrossSite = null);

public sealed record SummaryMetrics(double Auc, double Accuracy, double Loss);

/// <param name="PersonalAuc">The site's personal model on its held-out rows (a personalised job), else null.</param>
public sealed record SummarySite(string Id, string Jurisdiction, bool Simulated, int TrainSamples, int TestSamples, double Auc, double Accuracy,
    double? Epsilon = null, double? Delta = null, double? PersonalAuc = null);

public sealed record PooledBaseline(double Auc, double Accuracy, double Loss);
