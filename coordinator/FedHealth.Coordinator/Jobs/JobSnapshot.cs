using FedHealth.Contracts;

namespace FedHealth.Coordinator.Jobs;

/// <summary>
/// A job's state as a round opens, or once it has ended: everything a recovering job needs to go on from there without
/// replaying the rounds before it: the job as created but with the current global model, the server's state, the
/// closed rounds' summaries and the few facts that outlive a round (budgets exhausted, control requests taken), and for
/// an ended job its reports and its end. Taken only where no site's answer is pending: as a round opens, before any
/// site answered it, and after the job ended.
/// </summary>
/// <param name="Created">The job's creation, its initial weights replaced by <paramref name="GlobalWeights"/>'s round.</param>
/// <param name="Opened">The round that had just opened; applied again on restore, it sets up the round (and its secure protocol).</param>
/// <param name="Step">The step counter before <paramref name="Opened"/> was applied, so deadline timers and events after the snapshot still match.</param>
public sealed record JobSnapshot(
    JobCreated Created,
    ModelWeights? ServerState,
    int ModelRound,
    IReadOnlyList<RoundCompleted> Rounds,
    IReadOnlyList<string> BudgetExhausted,
    IReadOnlyList<Guid> ControlRequests,
    string? Detail,
    int Step,
    RoundStartedEvent Opened,
    JobCheckpoint? Best = null,
    CrossSiteReport? CrossSite = null,
    LabelCountReport? LabelCounts = null,
    JobFinished? Finished = null,
    IReadOnlyList<JobCheckpoint>? Kept = null);

/// <summary>A global model kept beside the latest: its round, the global AUC it scored, and its weights.</summary>
/// <param name="Auc">The round's headline figure (<see cref="FedHealth.Learning.Metrics.PrimaryFigure"/>: the AUC of a binary job, a survival
/// job's C-index, a multiclass job's accuracy, a regression job's RMSE); named for the first of them, as snapshots already store it.</param>
public sealed record JobCheckpoint(int Round, double Auc, ModelWeights Weights);
