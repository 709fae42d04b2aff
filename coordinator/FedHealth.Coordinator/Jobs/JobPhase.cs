namespace FedHealth.Coordinator.Jobs;

/// <summary>Where a job stands.</summary>
public enum JobPhase
{
    New,
    /// <summary>A round's collection step: training, counting (the kind names it), plain or under secure aggregation.</summary>
    Collecting,
    /// <summary>An answer step the kind declared runs (<see cref="JobState.CurrentStep"/>: an evaluation, cross-site scoring).</summary>
    Answering,
    Completed,
    Failed,
    /// <summary>Ended early for a reason that is not a fault, such as the sites' privacy budgets running out.</summary>
    Stopped,
    /// <summary>Held by a lead: sites' messages are refused and deadlines do not run until a lead resumes it.</summary>
    Paused,
}
