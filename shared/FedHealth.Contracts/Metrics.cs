namespace FedHealth.Contracts;

/// <summary>
/// One model's quality on some held-out rows. <see cref="Auc"/> is its discrimination: the ROC AUC of a binary outcome,
/// or for survival Harrell's C-index (the AUC's generalisation to censored times; the dashboard and the CLI name it so);
/// NaN for multiclass and regression, whose figures are in <see cref="Multiclass"/> and <see cref="Regression"/>.
/// <see cref="Accuracy"/> is NaN for survival and regression, which have no threshold; <see cref="Loss"/> is the task's own
/// (log-loss, the Cox partial likelihood per event, softmax cross-entropy, or the mean squared error of the standardised label).
/// </summary>
public sealed record ModelMetrics
{
    public required double Auc { get; init; }
    public required double Accuracy { get; init; }
    public required double Loss { get; init; }
    public required int Samples { get; init; }
    /// <summary>Multiclass only: balanced accuracy, one-vs-rest AUCs and the confusion matrix; null for every other task.</summary>
    public MulticlassFigures? Multiclass { get; init; }
    /// <summary>Regression only: RMSE, MAE and R² with the moments they come from; null for every other task.</summary>
    public RegressionFigures? Regression { get; init; }
}

/// <summary>
/// A multiclass model's figures on some held-out rows (one site's, or several sites' pooled). <see cref="ClassRows"/> and
/// the diagonal of <see cref="Confusion"/> (rows of each class predicted right) are exact: they are what the accuracy and
/// each class's recall already tell. An off-diagonal cell (rows of class i predicted as j) is a count of patients that says
/// which patients the model confuses, so a site sends each as 0 or at least <see cref="ScoreHistogram.MinCell"/>: smaller
/// cells are sent as 0 (suppressed), and where that would leave one cell of a row holding its whole remainder, the row's
/// smallest shown cell is suppressed too. A row's suppressed rows are its <see cref="ClassRows"/> minus its cells' sum.
/// Pooled figures add the sites' cells, so a pooled off-diagonal cell may be short by what the sites suppressed.
/// </summary>
public sealed record MulticlassFigures
{
    public required int Classes { get; init; }
    /// <summary>Held-out rows of each true class.</summary>
    public required IReadOnlyList<long> ClassRows { get; init; }
    /// <summary>[true class][predicted class] counts: the diagonal exact, the rest 0 or <see cref="ScoreHistogram.MinCell"/>+ per site.</summary>
    public required IReadOnlyList<IReadOnlyList<long>> Confusion { get; init; }
    /// <summary>The mean over classes with rows of the share of its rows predicted right.</summary>
    public required double BalancedAccuracy { get; init; }
    /// <summary>Each class against the rest: the ROC AUC of its softmax probability (NaN where a class is absent or unscored).</summary>
    public required IReadOnlyList<double> OneVsRestAuc { get; init; }
    /// <summary>The mean of the finite one-vs-rest AUCs (NaN when none is).</summary>
    public required double MacroAuc { get; init; }
}

/// <summary>
/// A regression model's figures on some held-out rows, in the label's own units (before any standardisation the schema
/// declares), with the <see cref="Moments"/> they are computed from, which add up exactly across sites.
/// </summary>
public sealed record RegressionFigures
{
    public required double Rmse { get; init; }
    public required double Mae { get; init; }
    /// <summary>1 − Σ(y−ŷ)² / Σ(y−ȳ)², ȳ the mean of the same rows; NaN when every label is the same.</summary>
    public required double R2 { get; init; }
    public required RegressionMoments Moments { get; init; }
}

/// <summary>
/// Sums over a set of held-out rows: how many, Σy, Σy², Σ(y−ŷ)² and Σ|y−ŷ|. Sums of at least
/// <see cref="SubgroupMetrics.MinRows"/> rows, never a row: they pool exactly (RMSE, MAE and R² of the pooled rows).
/// </summary>
public sealed record RegressionMoments
{
    public required long Count { get; init; }
    public required double SumY { get; init; }
    public required double SumY2 { get; init; }
    public required double SumSquaredError { get; init; }
    public required double SumAbsoluteError { get; init; }
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
    /// <summary>Binary and survival: the rows' score histogram by class (pooled into the round's AUC); null for multiclass and regression.</summary>
    public ScoreHistogram? Histogram { get; init; }
    /// <summary>
    /// Multiclass: for each class, the histogram of its softmax probability with that class's rows as positives and every
    /// other row as negatives, coarsened like any histogram; pooled into the round's one-vs-rest AUCs. Null for other tasks.
    /// </summary>
    public IReadOnlyList<ScoreHistogram>? ClassHistograms { get; init; }
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
/// Multiclass and regression groups have no AUC: their <see cref="Score"/> is the task's headline figure (accuracy,
/// RMSE), given only for groups of at least twice <see cref="MinRows"/> rows.
/// </summary>
public sealed record SubgroupMetrics
{
    public const int MinRows = 10;
    public required string Subgroup { get; init; }
    public required string Group { get; init; }
    public required int Samples { get; init; }
    public double? Auc { get; init; }
    /// <summary>Multiclass: the group's accuracy; regression: its RMSE (label units); null for binary and survival (see <see cref="Auc"/>).</summary>
    public double? Score { get; init; }
}

/// <summary>
/// The widest gap in the task's headline figure (AUC, C-index, accuracy or RMSE) between the groups of one sensitive
/// attribute at one site in one round; always positive, <see cref="BestGroup"/> the better by that figure's direction.
/// </summary>
public sealed record SubgroupGap
{
    public required string SiteId { get; init; }
    public required string Subgroup { get; init; }
    public required string BestGroup { get; init; }
    public required string WorstGroup { get; init; }
    public required double Gap { get; init; }
}
