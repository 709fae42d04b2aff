namespace FedHealth.Coordinator.Jobs;

/// <summary>Where a job stands.</summary>
public enum JobPhase
{
    New,
    Training,
    Evaluating,
    Completed,
    Failed,
}
