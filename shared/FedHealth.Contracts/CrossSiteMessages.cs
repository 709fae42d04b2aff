namespace FedHealth.Contracts;

/// <summary>
/// One final model put to every site in cross-site evaluation: the global model (<see cref="PersonalOf"/> null) or
/// the personal model a site shared for it.
/// </summary>
public sealed record CrossSiteCandidate
{
    /// <summary>The site whose personal model this is; null for the job's final global model.</summary>
    public string? PersonalOf { get; init; }
    public required ModelWeights Weights { get; init; }
}

/// <summary>
/// The coordinator asking each site to score every final model (global and shared personal ones) on its held-out
/// rows, after a personalised job's last round. Only the figures come back.
/// </summary>
public sealed record CrossSiteEvaluationRequested : IRoundMessage
{
    public required Guid JobId { get; init; }
    /// <summary>The job's last round (the models are that round's).</summary>
    public required int Round { get; init; }
    public required ModelSpec Model { get; init; }
    public required IReadOnlyList<CrossSiteCandidate> Candidates { get; init; }
    public required IReadOnlyList<string> Participants { get; init; }
    public required DateTimeOffset Deadline { get; init; }
}

/// <summary>One candidate model's figures on the answering site's held-out rows.</summary>
public sealed record CrossSiteScore
{
    /// <summary>Whose personal model was scored; null for the global model.</summary>
    public string? PersonalOf { get; init; }
    public required ModelMetrics Metrics { get; init; }
}

/// <summary>A site's scores for every candidate of a cross-site evaluation, on its own held-out rows.</summary>
public sealed record CrossSiteEvaluationSubmitted : ISiteRoundMessage
{
    public required Guid JobId { get; init; }
    public required int Round { get; init; }
    public required string SiteId { get; init; }
    public required IReadOnlyList<CrossSiteScore> Scores { get; init; }
}

/// <summary>One cell of the cross-site matrix: a model (row) on one site's held-out rows (column).</summary>
public sealed record CrossSiteCell
{
    /// <summary>Whose personal model; null for the global model.</summary>
    public string? PersonalOf { get; init; }
    /// <summary>The site whose held-out rows scored it.</summary>
    public required string SiteId { get; init; }
    public required ModelMetrics Metrics { get; init; }
}

/// <summary>
/// The job report's cross-site matrix: every final model that could be shared, scored on every site that answered,
/// and for each gap in the matrix the reason (a personal model withheld by its site's policy, a site that did not score).
/// </summary>
public sealed record CrossSiteReport
{
    public required IReadOnlyList<CrossSiteCell> Cells { get; init; }
    /// <summary>Sites whose personal model is not in the matrix, and why (their policy, a protected job, no personal model).</summary>
    public required IReadOnlyList<SiteLeftOut> Withheld { get; init; }
    /// <summary>Sites that scored nothing, and why (declined, gone, no answer before the deadline).</summary>
    public required IReadOnlyList<SiteLeftOut> NotScored { get; init; }
    public required DateTimeOffset CompletedAt { get; init; }
}
