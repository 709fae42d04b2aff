namespace FedHealth.Contracts;

/// <summary>
/// A consortium lead pausing a running job (request; answered by <see cref="JobControlAccepted"/> or
/// <see cref="JobControlRefused"/>). The job keeps its journal and can be resumed with <see cref="ResumeJob"/>;
/// this is not the "stopped" outcome, which ends a job for good (its sites' privacy budgets ran out).
/// </summary>
public sealed record StopJob : IDashboardRequest, IJobMessage
{
    public required Guid JobId { get; init; }
    /// <summary>
    /// Chosen by the requester, once per action it means: the job journals it, and the same request carried again (a
    /// redelivery, a replay) is answered with the job's status and changes nothing. A pause replayed after a resume
    /// would otherwise pause the job again.
    /// </summary>
    public required Guid RequestId { get; init; }
    /// <summary>The user who asks: kept in the job's journal and shown with its status.</summary>
    public required string RequestedBy { get; init; }
    /// <summary>Why the job is paused, for the other sites' leads to read; may be empty.</summary>
    public string Reason { get; init; } = "";
}

/// <summary>A consortium lead resuming a paused job (request; answered by <see cref="JobControlAccepted"/> or <see cref="JobControlRefused"/>).</summary>
public sealed record ResumeJob : IDashboardRequest, IJobMessage
{
    public required Guid JobId { get; init; }
    /// <summary>
    /// Chosen by the requester, once per action it means: the job journals it, and the same request carried again (a
    /// redelivery, a replay) is answered with the job's status and changes nothing. A pause replayed after a resume
    /// would otherwise pause the job again.
    /// </summary>
    public required Guid RequestId { get; init; }
    /// <summary>The user who asks: kept in the job's journal and shown with its status.</summary>
    public required string RequestedBy { get; init; }
}

/// <summary>The coordinator's answer to <see cref="StopJob"/> or <see cref="ResumeJob"/>: done, and the job's status now.</summary>
public sealed record JobControlAccepted : ICoordinatorMessage
{
    public required Guid JobId { get; init; }
    /// <summary>The job's new status, as <see cref="JobSummary.Status"/> names it ("paused", "training", "evaluating").</summary>
    public required string Status { get; init; }
}

/// <summary>The coordinator's answer to <see cref="StopJob"/> or <see cref="ResumeJob"/>: nothing changed, and why (no such job, already ended, already paused,
/// not paused).</summary>
public sealed record JobControlRefused : ICoordinatorMessage
{
    public required Guid JobId { get; init; }
    public required string Reason { get; init; }
}

/// <summary>Event: a job was paused or resumed by a lead, so dashboards show the change as it happens.</summary>
public sealed record JobStatusChanged : ICoordinatorMessage
{
    public required Guid JobId { get; init; }
    public required string JobName { get; init; }
    /// <summary>The job's status now, as <see cref="JobSummary.Status"/> names it.</summary>
    public required string Status { get; init; }
    /// <summary>Who changed it and why ("paused by alice: site maintenance").</summary>
    public required string Detail { get; init; }
    public required DateTimeOffset At { get; init; }
}
