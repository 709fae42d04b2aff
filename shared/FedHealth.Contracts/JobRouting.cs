namespace FedHealth.Contracts;

/// <summary>
/// A message about one job. Everything that routes by job (the coordinator's sharding, a site's per-job state, the
/// transfer gate) reads the job from here, never from a list of message types, so a new kind's messages route the
/// moment they implement it.
/// </summary>
public interface IJobMessage
{
    Guid JobId { get; }
}

/// <summary>
/// A site's message for one round of one job: updates, evaluations, declines, scores, secure-round steps and the slices
/// of a large one. The job's actor, the transfer gate and both audit trails take site, job and round from here.
/// </summary>
public interface ISiteRoundMessage : ISiteMessage, IJobMessage
{
    int Round { get; }
}
