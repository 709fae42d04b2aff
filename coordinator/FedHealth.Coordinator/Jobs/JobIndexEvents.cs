namespace FedHealth.Coordinator.Jobs;

/// <summary>The job index's journal: which jobs exist, so they are all brought back after a restart.</summary>
public sealed record JobRegistered(Guid JobId, string Name, DateTimeOffset At) : IJobEvent;
