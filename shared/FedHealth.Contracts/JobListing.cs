namespace FedHealth.Contracts;

/// <summary>
/// One job as a list shows it: its spec and status, how many rounds closed and the latest global figures, never the
/// rounds themselves. A job's rounds come with the job alone (<see cref="GetJob"/>), so a list stays the same size
/// whether its jobs ran ten rounds or ten thousand.
/// </summary>
public sealed record JobListing
{
    public required Guid JobId { get; init; }
    public required JobSpec Spec { get; init; }
    public required string Status { get; init; }
    public string? Detail { get; init; }
    public required int CurrentRound { get; init; }
    public required int RoundsClosed { get; init; }
    public required IReadOnlyList<string> Participants { get; init; }
    /// <summary>The global figures of the last closed round (null before the first, and for kinds without a model).</summary>
    public ModelMetrics? Latest { get; init; }
    public int? BestRound { get; init; }
    public double? BestAuc { get; init; }
    public string? ModelDigest { get; init; }
    public LabelCountReport? LabelCounts { get; init; }

    public static JobListing Of(JobSummary job) => new()
    {
        JobId = job.JobId, Spec = job.Spec, Status = job.Status, Detail = job.Detail, CurrentRound = job.CurrentRound, RoundsClosed = job.Rounds.Count,
        Participants = job.Participants, Latest = job.Rounds.Count > 0 ? job.Rounds[^1].Global : null, BestRound = job.BestRound, BestAuc = job.BestAuc,
        ModelDigest = job.ModelDigest, LabelCounts = job.LabelCounts,
    };
}

/// <summary>A request for one job with its rounds, answered with <see cref="JobSummary"/> or <see cref="JobNotFound"/>.</summary>
public sealed record GetJob : IDashboardRequest, IJobMessage
{
    public required Guid JobId { get; init; }
    /// <summary>
    /// Keep each site's score histograms (the pooled-AUC counts, the bulk of a round); off, they are left out: no page
    /// draws them, and a job of many rounds and sites answers a fraction of the bytes.
    /// </summary>
    public bool Histograms { get; init; }
}

/// <summary>The coordinator has no job with this id.</summary>
public sealed record JobNotFound : ICoordinatorMessage
{
    public required Guid JobId { get; init; }
}
