namespace FedHealth.Contracts;

/// <summary>
/// A request for the coordinator's view of its sites and a page of its jobs (newest first, as <see cref="JobListing"/>s:
/// no rounds), answered with <see cref="FederationStatus"/>.
/// </summary>
public sealed record GetFederationStatus : IDashboardRequest
{
    public const int MaxJobsLimit = 500;
    public int JobsOffset { get; init; }
    /// <summary>How many jobs (at most <see cref="MaxJobsLimit"/>); 0 for none, only the sites.</summary>
    public int JobsLimit { get; init; } = 50;
}

/// <summary>One job as the coordinator's journal has it.</summary>
public sealed record JobSummary
{
    public required Guid JobId { get; init; }
    public required JobSpec Spec { get; init; }
    public required string Status { get; init; }
    public required int CurrentRound { get; init; }
    /// <summary>Which attempt of the current round is running (a round whose sites did not all answer in time is tried again).</summary>
    public int Attempt { get; init; } = 1;
    public required IReadOnlyList<string> Participants { get; init; }
    public required IReadOnlyList<RoundCompleted> Rounds { get; init; }
    public string? Detail { get; init; }
    /// <summary>The cross-site matrix of a personalised job that asked for it, once scored; else null.</summary>
    public CrossSiteReport? CrossSite { get; init; }
    /// <summary>
    /// The round of the best checkpoint kept (the best global headline figure: highest AUC or C-index, highest multiclass
    /// accuracy, lowest regression RMSE) and, for binary and survival jobs, its AUC or C-index; null before any round closed with one.
    /// </summary>
    public int? BestRound { get; init; }
    public double? BestAuc { get; init; }
    /// <summary>The best checkpoint's headline figure, whatever the task (the dashboard names it by the job's task).</summary>
    public double? BestFigure { get; init; }
    /// <summary>The rounds whose global model is kept besides the latest and the best (<see cref="JobSpec.CheckpointEvery"/>).</summary>
    public IReadOnlyList<int> KeptRounds { get; init; } = [];
    /// <summary>The model's digest (SHA-256 of its canonical JSON: what each hospital's policy approves); null for a job without a model.</summary>
    public string? ModelDigest { get; init; }
    /// <summary>The model's parameter count (trained parameters and the buffers moved with them).</summary>
    public int? ModelParameters { get; init; }
    /// <summary>The result of a label-counts job once counted; else null.</summary>
    public LabelCountReport? LabelCounts { get; init; }
}

/// <summary>A site as the coordinator last heard from it.</summary>
public sealed record SiteStatus
{
    public required SiteHeartbeat LastHeartbeat { get; init; }
    public required bool Online { get; init; }
}

/// <summary>The coordinator's answer to <see cref="GetFederationStatus"/>.</summary>
public sealed record FederationStatus : ICoordinatorMessage
{
    /// <summary>The page of jobs asked for, newest first.</summary>
    public required IReadOnlyList<JobListing> Jobs { get; init; }
    /// <summary>How many jobs the coordinator holds in all.</summary>
    public int JobCount { get; init; }
    public int JobsOffset { get; init; }
    public required IReadOnlyList<SiteStatus> Sites { get; init; }
}

/// <summary>A site's (or its doctor's) question for the coordinator's clock, to measure the skew between them.</summary>
public sealed record ClockProbe
{
    public required string SiteId { get; init; }
}

/// <summary>The coordinator's answer to <see cref="ClockProbe"/>: its UTC time when it answered.</summary>
public sealed record CoordinatorClock : ICoordinatorMessage
{
    public required DateTimeOffset Now { get; init; }
}
