namespace FedHealth.Contracts;

/// <summary>Binary-classification quality of one model on some held-out rows.</summary>
public sealed record ModelMetrics
{
    public required double Auc { get; init; }
    public required double Accuracy { get; init; }
    public required double Loss { get; init; }
    public required int Samples { get; init; }
}

/// <summary>
/// Counts of held-out rows per predicted-probability bin, split by true class. It is an aggregate (no row can be
/// told apart from its bin-mates) and lets the coordinator compute one AUC over all sites' held-out rows.
/// </summary>
public sealed record ScoreHistogram
{
    public required int[] Positives { get; init; }
    public required int[] Negatives { get; init; }
}

/// <summary>How one site's held-out rows scored under a given global model.</summary>
public sealed record SiteEvaluation
{
    public required string SiteId { get; init; }
    public required ModelMetrics Metrics { get; init; }
    public required ScoreHistogram Histogram { get; init; }
}
