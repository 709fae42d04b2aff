namespace FedHealth.Contracts;

/// <summary>
/// One model's quality on some held-out rows. <see cref="Auc"/> is its discrimination: the ROC AUC of a binary outcome,
/// or for survival Harrell's C-index (the AUC's generalisation to censored times; the dashboard and the CLI name it so).
/// <see cref="Accuracy"/> is NaN for survival, which has no threshold; <see cref="Loss"/> is the task's own (log-loss,
/// or the Cox partial likelihood per event).
/// </summary>
public sealed record ModelMetrics
{
    public required double Auc { get; init; }
    public required double Accuracy { get; init; }
    public required double Loss { get; init; }
    public required int Samples { get; init; }
}

/// <summary>
/// Counts of held-out rows per predicted-probability bin, split by true class, from which the coordinator computes
/// one AUC over all sites' held-out rows. A model that weighs one feature only turns such a histogram into a count
/// table of the site's patients by that feature and outcome, so no cell may be small: when there is more than one
/// bin, every count in <see cref="Positives"/> and <see cref="Negatives"/> is 0 or at least <see cref="MinCell"/>.
/// A site meets this by coarsening: it counts rows in <see cref="FineBins"/> equal bins, merges them from the lowest
/// score up, closing a bin as soon as both its counts are 0 or <see cref="MinCell"/>+, and joins an unsafe remainder
/// at the top to the bins below it. Edges are multiples of 1/<see cref="FineBins"/>; each upper edge but the last
/// depends on the data and says one thing beyond the counts: the fine bin just below it holds at least one row of a
/// class the bin held 1 to <see cref="MinCell"/> − 1 rows of without it (in a bin of one class, a row of that class;
/// how many is not told). A histogram of one bin, [0, 1], is exempt: it gives only the site's count of each class,
/// which its <see cref="ModelMetrics"/> give anyway (the accuracy of a constant model is the share of one class).
/// </summary>
public sealed record ScoreHistogram
{
    /// <summary>The smallest count a non-empty cell may hold (the same floor as a scored subgroup's rows).</summary>
    public const int MinCell = SubgroupMetrics.MinRows;

    /// <summary>The equal bins a site counts rows in before coarsening.</summary>
    public const int FineBins = 1024;

    /// <summary>
    /// Bin edges, one more than bins, increasing strictly from 0 to 1; bin i holds scores in [Edges[i], Edges[i+1])
    /// (the last also holds 1). Null: equal-width bins, as sites sent before coarsening (kept so old journals replay).
    /// </summary>
    public IReadOnlyList<double>? Edges { get; init; }
    public required IReadOnlyList<int> Positives { get; init; }
    public required IReadOnlyList<int> Negatives { get; init; }
}

/// <summary>How one site's held-out rows scored under a given global model.</summary>
public sealed record SiteEvaluation
{
    public required string SiteId { get; init; }
    public required ModelMetrics Metrics { get; init; }
    public required ScoreHistogram Histogram { get; init; }
    /// <summary>The same rows by group of each sensitive attribute the schema declares (empty when it declares none).</summary>
    public IReadOnlyList<SubgroupMetrics> Subgroups { get; init; } = [];
    /// <summary>Survival: the site's comparable and concordant pairs (Harrell), which add up across sites; null for a binary outcome.</summary>
    public ConcordanceSums? Concordance { get; init; }
}

/// <summary>
/// Harrell's pair counts on one site's held-out rows: pairs where the earlier time is an event (comparable) and how many of
/// them the model ranks right (concordant, ties a half). Counts of pairs, never rows; sites' sums give the C-index over
/// every within-site pair.
/// </summary>
public sealed record ConcordanceSums
{
    public required long Comparable { get; init; }
    public required double Concordant { get; init; }
}

/// <summary>
/// One group of a sensitive attribute on one site's held-out rows. A group with fewer than <see cref="MinRows"/>
/// rows of either class has no AUC (null): an AUC over a handful of positives is their ranks among the negatives
/// (over one, that patient's rank), so only groups with <see cref="MinRows"/>+ rows of each class are scored.
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
