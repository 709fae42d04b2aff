namespace FedHealth.Contracts;

/// <summary>A lead asking the coordinator to create and start a federated job (request; answered by <see cref="JobAccepted"/> or <see
/// cref="JobRefused"/>).</summary>
public sealed record CreateJob : IDashboardRequest
{
    public required JobSpec Spec { get; init; }
    /// <summary>
    /// Chosen by the requester, once per job it means to create: the coordinator creates one job per request id and
    /// answers a repeat (a redelivery, a retry after a lost answer) with that same job.
    /// </summary>
    public required Guid RequestId { get; init; }
}

/// <summary>The coordinator's answer: the job exists and has started.</summary>
public sealed record JobAccepted : ICoordinatorMessage
{
    public required Guid JobId { get; init; }
    public required IReadOnlyList<string> Participants { get; init; }
}

/// <summary>The coordinator's answer: the job was not created, and why.</summary>
public sealed record JobRefused : ICoordinatorMessage
{
    public required string Reason { get; init; }
}

/// <summary>A site that was left out of a round, and why (late, declined, refused update).</summary>
public sealed record SiteLeftOut
{
    public required string SiteId { get; init; }
    public required string Reason { get; init; }
}

/// <summary>Event: a round's global model was aggregated and evaluated by the sites.</summary>
public sealed record RoundCompleted : ICoordinatorMessage
{
    public required Guid JobId { get; init; }
    public required string JobName { get; init; }
    public required int Round { get; init; }
    public required int TotalRounds { get; init; }
    public required IReadOnlyList<string> Contributors { get; init; }
    public required IReadOnlyList<SiteLeftOut> LeftOut { get; init; }
    public required ModelMetrics? Global { get; init; }
    public required IReadOnlyList<SiteEvaluation> Sites { get; init; }
    /// <summary>Each site's personal model on its own held-out rows (last round of a personalised job; else empty).</summary>
    public IReadOnlyList<SiteEvaluation> Personalised { get; init; } = [];
    /// <summary>For each site and sensitive attribute, the largest AUC gap between its scored groups (fairness).</summary>
    public IReadOnlyList<SubgroupGap> SubgroupGaps { get; init; } = [];
    public required double TrainLoss { get; init; }
    /// <summary>Each contributing site's cumulative privacy loss after this round (empty without DP).</summary>
    public IReadOnlyList<PrivacySpent> Privacy { get; init; } = [];
    /// <summary>With site-level DP: the job's (ε, δ) for any one site's whole data after this round.</summary>
    public double? SiteLevelEpsilon { get; init; }
    public required double Seconds { get; init; }
    public required DateTimeOffset CompletedAt { get; init; }
}

/// <summary>Event: a job ended, either after its last round ("completed") or because it could not go on ("failed").</summary>
public sealed record JobEnded : ICoordinatorMessage
{
    public required Guid JobId { get; init; }
    public required string JobName { get; init; }
    public required string Outcome { get; init; }
    public required string Detail { get; init; }
    public required int RoundsCompleted { get; init; }
    public required ModelWeights? FinalWeights { get; init; }
    /// <summary>The cross-site matrix, when the job asked for one.</summary>
    public CrossSiteReport? CrossSite { get; init; }
    /// <summary>A label-counts job's result; null for every other kind.</summary>
    public LabelCountReport? LabelCounts { get; init; }
    public required DateTimeOffset EndedAt { get; init; }
}
