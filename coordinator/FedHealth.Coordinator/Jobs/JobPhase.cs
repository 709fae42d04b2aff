namespace FedHealth.Coordinator.Jobs;

/// <summary>Where a job stands.</summary>
public enum JobPhase
{
    New,
    Training,
    Evaluating,
    /// <summary>After a personalised job's last round: every site scores every final model (cross-site evaluation).</summary>
    Scoring,
    Completed,
    Failed,
    /// <summary>Ended early for a reason that is not a fault, such as the sites' privacy budgets running out.</summary>
    Stopped,
    /// <summary>Held by a lead: sites' messages are refused and deadlines do not run until a lead resumes it.</summary>
    Paused,
}
