using FedHealth.Contracts;

namespace FedHealth.Coordinator.Jobs;

/// <summary>
/// The job index's journal: which jobs exist and how each was started, so any node that takes the index over
/// can (re)start them; the start is idempotent, so sending it again is how a job is woken up.
/// </summary>
/// <param name="RequestId">The <see cref="CreateJob.RequestId"/> it was created for (null in journals written before it existed).</param>
public sealed record JobRegistered(Guid JobId, string Name, DateTimeOffset At, JobSpec? Spec = null, IReadOnlyList<string>? Participants = null,
    JobGovernance? Governance = null, Guid? RequestId = null) : IJobEvent;

/// <summary>
/// The job ended (completed, failed or stopped): it need not be kept running any more. <paramref name="Listing"/> is how
/// the job list shows it from then on, so listing ended jobs wakes none of them (null in journals written before it).
/// </summary>
public sealed record JobRetired(Guid JobId, DateTimeOffset At, JobListing? Listing = null) : IJobEvent;
