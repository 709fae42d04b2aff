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
    /// <summary>The same rows by group of each sensitive attribute the schema declares (empty when it declares none).</summary>
    public IReadOnlyList<SubgroupMetrics> Subgroups { get; init; } = [];
}

/// <summary>
/// One group of a sensitive attribute on one site's held-out rows. A group with fewer than
/// <see cref="MinRows"/> rows, or one class only, has no AUC (null): small groups are not scored, so a figure
/// cannot single out a handful of patients.
/// </summary>
public sealed record SubgroupMetrics
{
    public const int MinRows = 10;
    public required string Subgroup { get; init; }
    public required string Group { get; init; }
    public required int Samples { get; init; }
    public double? Auc { get; init; }
}

/// <summary>The widest AUC gap between the groups of one sensitive attribute at one site in one round.</summary>
public sealed record SubgroupGap
{
    public required string SiteId { get; init; }
    public required string Subgroup { get; init; }
    public required string BestGroup { get; init; }
    public required string WorstGroup { get; init; }
    public required double Gap { get; init; }
}
