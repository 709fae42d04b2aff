namespace FedHealth.Coordinator.Jobs;

/// <summary>
/// Snapshots at round close: a job recovers from its latest snapshot and the events after it, so recovery replays
/// one round's events however long the job has run, instead of every weight-bearing update since its start.
/// </summary>
public sealed partial class JobState
{
    /// <summary>True right after a round opened for the first time (attempt 1 of round 2 on): the moment a snapshot covers.</summary>
    public bool AtRoundBoundary => Phase == JobPhase.Training && Round > 1 && Attempt == 1 && training.IsEmpty && secure?.Answered.Count is null or 0;

    /// <summary>The state to save at a round boundary (see <see cref="AtRoundBoundary"/>).</summary>
    public JobSnapshot Snapshot()
    {
        if (!AtRoundBoundary) throw new InvalidOperationException($"job {JobId}: a snapshot is taken only as a round opens (now round {Round} attempt {Attempt}, {Status})");
        return new JobSnapshot(created! with { InitialWeights = GlobalWeights }, serverState, modelRound, rounds.ToList(),
            budgetExhausted.Order(StringComparer.Ordinal).ToList(), controlRequests.ToList(), Detail, Step - 1, opened!, Best);
    }

    /// <summary>Restores a fresh state from a snapshot; the events journaled after it are then applied as usual.</summary>
    public void Restore(JobSnapshot snapshot)
    {
        if (Phase != JobPhase.New) throw new InvalidOperationException($"job {JobId}: a snapshot restores only a fresh state");
        Apply(snapshot.Created);
        ApplyServerState(snapshot.ServerState);
        serverState = snapshot.ServerState;
        modelRound = snapshot.ModelRound;
        rounds.AddRange(snapshot.Rounds);
        budgetExhausted.UnionWith(snapshot.BudgetExhausted);
        controlRequests.UnionWith(snapshot.ControlRequests);
        Step = snapshot.Step;
        Best = snapshot.Best;
        Apply(snapshot.Opened);
        Detail = snapshot.Detail;
    }
}
