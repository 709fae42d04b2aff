using FedHealth.Contracts;

namespace FedHealth.Coordinator.Jobs;

/// <summary>What a job's journal holds; replaying these rebuilds the job exactly.</summary>
public interface IJobEvent;

/// <summary>The job was created with its spec, the sites taking part and the seeded initial global model.</summary>
public sealed record JobCreated(Guid JobId, JobSpec Spec, IReadOnlyList<string> Participants, ModelWeights InitialWeights, DateTimeOffset At,
    JobGovernance? Governance = null) : IJobEvent;

/// <summary>A round's training phase opened (again, on a later attempt, if too few sites answered in time).</summary>
public sealed record RoundStartedEvent(int Round, int Attempt, DateTimeOffset Deadline, DateTimeOffset At, byte[]? Nonce = null) : IJobEvent;

/// <summary>A site's update for a round passed every check and counts towards the round's average.</summary>
/// <param name="ControlDelta">SCAFFOLD: the site's control delta Δcᵢ (tensor "c"), summed with the round's others; null for every other strategy.</param>
public sealed record UpdateReceived(int Round, string SiteId, int SampleCount, ModelWeights Weights, double TrainLoss, string Device, double TrainSeconds,
    PrivacySpent? Privacy = null, ModelWeights? ControlDelta = null) : IJobEvent;

/// <summary>A site declined a round; it is left out with this reason.</summary>
public sealed record SiteDeclined(int Round, string SiteId, string Reason, bool BudgetExhausted = false) : IJobEvent;

/// <summary>The round's updates were averaged into the new global model (the checkpoint); evaluation opens until the deadline.</summary>
/// <param name="ServerState">The server's state after this round, so a recovered job steps on exactly as before: the
/// optimiser's moments "m" and "v" (fedadam, fedyogi, fedadagrad) or SCAFFOLD's control variate "c"; null for every other strategy.</param>
public sealed record RoundAggregated(int Round, ModelWeights GlobalWeights, IReadOnlyList<string> Contributors, IReadOnlyList<SiteLeftOut> LeftOut,
    double TrainLoss, DateTimeOffset EvaluationDeadline, DateTimeOffset At, ModelWeights? ServerState = null) : IJobEvent;

/// <summary>A site's evaluation of the round's global model on its held-out rows.</summary>
/// <param name="Personalised">The site's personal model on the same rows (last round of a personalised job), else null.</param>
/// <param name="PersonalModel">That personal model, shared for cross-site evaluation; null when not asked for or withheld.</param>
/// <param name="PersonalModelWithheld">Why the site kept its personal model back, when the job asked for it.</param>
public sealed record EvaluationReceived(int Round, SiteEvaluation Evaluation, SiteEvaluation? Personalised = null,
    ModelWeights? PersonalModel = null, string? PersonalModelWithheld = null) : IStepAnswer
{
    string IStepAnswer.SiteId => Evaluation.SiteId;
}

/// <summary>Every site the current step still waited for has stopped sending heartbeats; when each was last seen (null: never).</summary>
public sealed record SitesGone(int Round, IReadOnlyDictionary<string, DateTimeOffset?> LastSeen) : IJobEvent;

/// <summary>A site declined to evaluate the round's model (its policy refused sending metrics, say).</summary>
public sealed record EvaluationDeclined(int Round, string SiteId, string Reason) : IStepDecline;

/// <summary>The round is over, with its figures.</summary>
public sealed record RoundClosed(RoundCompleted Summary) : IJobEvent;

/// <summary>
/// The current step's request reached the bus late (after a broker outage, or republished by a recovered coordinator)
/// with less than half its window left: its sites get a full window from then, until <paramref name="Deadline"/>.
/// </summary>
public sealed record DeadlineExtended(int Step, DateTimeOffset Deadline, DateTimeOffset At) : IJobEvent;

/// <summary>How a job ended. Journaled by name; journals written when it was a string ("completed") read the same.</summary>
public enum JobOutcome { Completed, Failed, Stopped }

/// <summary>The job ended: completed after its last round, failed when it could not go on, stopped when its sites' budgets ran out.</summary>
public sealed record JobFinished(JobOutcome Outcome, string Detail, DateTimeOffset At) : IJobEvent
{
    /// <summary>The outcome as the contracts and the dashboard name it ("completed", "failed", "stopped"); not journaled.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public string OutcomeName => Outcome.ToString().ToLowerInvariant();
}

/// <summary>Secure aggregation: a site's signed key advertisement passed every check.</summary>
public sealed record KeysAdvertReceived(int Round, MaskingKeysAdvertised Message) : IJobEvent;

/// <summary>Secure aggregation (sparse graph): a site's signed graph seed matched the commitment in its keys.</summary>
public sealed record GraphSeedReceived(int Round, GraphSeedRevealed Message) : IJobEvent;

/// <summary>Secure aggregation: a site's sealed share bundles passed every check (the coordinator cannot read them).</summary>
public sealed record SharesReceived(int Round, SharesSubmitted Message) : IJobEvent;

/// <summary>Secure aggregation: a site's masked update passed every check and was folded into the running sum.</summary>
public sealed record MaskedUpdateReceived(int Round, MaskedUpdateSubmitted Message) : IJobEvent;

/// <summary>Secure aggregation: a survivor's revealed shares passed every check.</summary>
public sealed record RevealedSharesReceived(int Round, UnmaskingSharesSubmitted Message) : IJobEvent;

/// <summary>Secure aggregation: a step closed (all answered or its deadline passed); the next step runs until the deadline.</summary>
public sealed record SecureStepClosed(int Round, FedHealth.Privacy.SecureAggregation.SecurePhase Step, DateTimeOffset Deadline) : IJobEvent;

/// <summary>A lead paused the job (in training or evaluation); nothing moves until it is resumed.</summary>
/// <param name="RequestId">The lead's request (null in journals written before requests carried one).</param>
public sealed record JobPaused(string By, string Reason, DateTimeOffset At, Guid? RequestId = null) : IJobEvent;

/// <summary>
/// A lead resumed the paused job: the step it was paused in runs again until <paramref name="Deadline"/> (a training
/// round follows with a fresh attempt, <see cref="RoundStartedEvent"/>; an evaluation reopens for the same model).
/// </summary>
public sealed record JobResumed(string By, DateTimeOffset At, DateTimeOffset Deadline, Guid? RequestId = null) : IJobEvent;

/// <summary>Cross-site evaluation opened after the last round: every site scores the final models until the deadline.</summary>
public sealed record CrossSiteStarted(int Round, DateTimeOffset Deadline, DateTimeOffset At) : IJobEvent;

/// <summary>A site's cross-site scores passed every check.</summary>
public sealed record CrossSiteScoresReceived(string SiteId, IReadOnlyList<CrossSiteScore> Scores) : IStepAnswer;

/// <summary>A site declined to score the final models.</summary>
public sealed record CrossSiteDeclined(string SiteId, string Reason) : IStepDecline;

/// <summary>Cross-site evaluation is over: the job report's matrix.</summary>
public sealed record CrossSiteClosed(CrossSiteReport Report) : IJobEvent;

/// <summary>A label-counts job's secure sum, folded: the consortium's rows per label.</summary>
public sealed record LabelCountsClosed(LabelCountReport Report) : IJobEvent;
