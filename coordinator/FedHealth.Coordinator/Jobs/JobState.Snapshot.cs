namespace FedHealth.Coordinator.Jobs;

/// <summary>
/// Snapshots at round close: a job recovers from its latest snapshot and the events after it, so recovery replays
/// one round's events however long the job has run, instead of every weight-bearing update since its start.
/// </summary>
public sealed partial class JobState
{
    /// <summary>True right after a round opened for the first time (attempt 1 of round 2 on): the moment a snapshot covers.</summary>
    public bool AtRoundBoundary => Phase == JobPhase.Collecting && Round > 1 && Attempt == 1 && training.IsEmpty && secure?.Answered.Count is null or 0;

    /// <summary>The state to save at a round boundary (see <see cref="AtRoundBoundary"/>) or once the job has ended.</summary>
    public JobSnapshot Snapshot()
    {
        if (!AtRoundBoundary && !(HasEnded && opened is not null))
            throw new InvalidOperationException(
                $"job {JobId}: a snapshot is taken only as a round opens or once the job ended (now round {Round} attempt {Attempt}, {Status})");
        return new JobSnapshot(created! with { InitialWeights = GlobalWeights }, serverState, modelRound, rounds.ToList(),
            budgetExhausted.Order(StringComparer.Ordinal).ToList(), controlRequests.ToList(), Detail, Step - 1, opened!, Best,
            CrossSite, Summary().LabelCounts, finished, kept.Values.ToList());
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
        foreach (var checkpoint in snapshot.Kept ?? []) kept[checkpoint.Round] = checkpoint;
        Apply(snapshot.Opened);
        // An ended job: its reports, then its end (each applied as when it was journaled).
        if (snapshot.CrossSite is { } crossSite) Apply(new CrossSiteClosed(crossSite));
        if (snapshot.LabelCounts is { } counts) Apply(new LabelCountsClosed(counts));
        if (snapshot.Finished is { } finishedEvent) Apply(finishedEvent);
        Detail = snapshot.Detail;
    }
}
