namespace FedHealth.Coordinator.Jobs;

/// <summary>What the job decided about one message: the events to persist, or why it was refused (null when accepted or harmlessly ignored).</summary>
public sealed record JobDecision(IReadOnlyList<IJobEvent> Events, string? Refusal = null, string? Note = null)
{
    public static JobDecision Refuse(string reason) => new([], reason);
    public static JobDecision Ignore(string note) => new([], null, note);
}
