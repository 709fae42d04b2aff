using FedHealth.Contracts;

namespace FedHealth.Coordinator.Jobs;

/// <summary>Messages the job actors understand besides the contracts forwarded from the bus.</summary>
public static class JobProtocol
{
    /// <summary>Start a freshly registered job with the sites chosen for it.</summary>
    public sealed record StartJob(Guid JobId, JobSpec Spec, IReadOnlyList<string> Participants, JobGovernance? Governance = null)
        : Hosting.ICrossNodeMessage, IJobMessage;

    /// <summary>Ask a job for its journal-derived summary (answered with <see cref="JobSummary"/>).</summary>
    public sealed record GetJobSummary(Guid JobId) : Hosting.ICrossNodeMessage, IJobMessage;

    /// <summary>
    /// The answer to every site message: it is in the journal (Refusal null) or was refused for this reason. The bus
    /// acknowledges the message only once this arrives, so a node dying mid-message means redelivery, never loss.
    /// </summary>
    public sealed record Handled(string What, string? Refusal) : Hosting.ICrossNodeMessage;

    /// <summary>Time to look at the sites' heartbeats.</summary>
    internal sealed record CheckLiveness;

    /// <summary>When each site was last heard from.</summary>
    internal sealed record LivenessReport(IReadOnlyDictionary<string, DateTimeOffset> LastSeen);

    /// <summary>A phase's deadline timer fired.</summary>
    internal sealed record PhaseDeadline(int Step);

    /// <summary>A publish to the bus failed (Step: the step whose request it was, -1 for a notice).</summary>
    internal sealed record PublishFailed(string What, Exception Cause, int Step);

    /// <summary>A publish to the bus was confirmed (Step: the step whose request it was, -1 for a notice).</summary>
    internal sealed record Published(int Step);
}
