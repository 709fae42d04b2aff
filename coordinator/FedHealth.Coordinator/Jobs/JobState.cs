using FedHealth.Contracts;
using FedHealth.Coordinator.Aggregation;
using FedHealth.Coordinator.Jobs.Kinds;
using FedHealth.Learning.Codec;
using FedHealth.Learning.Metrics;
using FedHealth.Learning.Models;
using FedHealth.Learning.Models.Architectures;

namespace FedHealth.Coordinator.Jobs;

/// <summary>
/// One federated job's rules, free of actors and I/O: decisions turn a message and the time into events, and
/// <see cref="Apply"/> folds events into the state. The job actor only persists what is decided and applies it.
/// </summary>
public sealed partial class JobState(SecureAggregationKeys? keys = null)
{
    public const int MaxAttemptsPerRound = 3;
    public const int MaxSamplesPerUpdate = 100_000_000;

    /// <summary>The round's training step: each site's update (metadata only, see below) or decline.</summary>
    private readonly StepRoster<UpdateReceived> training = new();
    // Updates are folded into one running weighted sum as they are applied and kept only as metadata (no weights),
    // so a round holds one model's worth of memory whatever the number of sites (robust strategies keep one per site).
    private RoundAggregator? runningSum;
    private readonly HashSet<string> budgetExhausted = new();
    private readonly Dictionary<string, PrivacySpent> roundPrivacy = new();
    private readonly Dictionary<string, string> gone = new();
    private readonly List<RoundCompleted> rounds = new();
    private RoundAggregated? aggregation;
    private DateTimeOffset roundOpenedAt;
    private int modelRound;
    /// <summary>The server's state as last journaled (kept for snapshots).</summary>
    private ModelWeights? serverState;
    private JobCreated? created;
    private RoundStartedEvent? opened;
    private JobFinished? finished;

    public Guid JobId { get; private set; }
    public JobSpec Spec { get; private set; } = null!;
    /// <summary>What the job computes: its collection request and the fold of its secure sum (training unless the spec says otherwise).</summary>
    public IJobKind Kind { get; private set; } = new TrainingKind();
    public IReadOnlyList<string> Participants { get; private set; } = [];
    public JobGovernance? Governance { get; private set; }
    public ParameterLayout Layout { get; private set; } = null!;
    /// <summary>The model's digest (see <see cref="ArchitectureDigest"/>); null for a job without a model.</summary>
    public string? ModelDigest { get; private set; }
    public JobPhase Phase { get; private set; } = JobPhase.New;
    public int Round { get; private set; }
    public int Attempt { get; private set; }
    public DateTimeOffset Deadline { get; private set; }
    public ModelWeights GlobalWeights { get; private set; } = null!;
    public IReadOnlyList<RoundCompleted> Rounds => rounds;
    public string? Detail { get; private set; }
    public bool IsRunning => Phase is JobPhase.Collecting or JobPhase.Answering;
    /// <summary>Completed, failed or stopped: nothing will happen to the job any more (a paused job has not ended).</summary>
    public bool HasEnded => Phase is JobPhase.Completed or JobPhase.Failed or JobPhase.Stopped;
    /// <summary>The phase as summaries and events name it ("training", "paused", ...).</summary>
    public string Status => Phase switch
    {
        JobPhase.Collecting => Kind.CollectingStatus,
        JobPhase.Answering => CurrentStep!.Status,
        _ => Phase.ToString().ToLowerInvariant(),
    };
    public IReadOnlyCollection<string> Contributors => training.Answers.Keys.ToList();
    private static readonly ModelWeights NoWeights = new() { Tensors = [] };
    /// <summary>Counts every phase and step change; a deadline timer names the step it was set for, so a stale one is ignored.</summary>
    public int Step { get; private set; }

    /// <summary>The current round's aggregation (training), once its updates were folded; null before.</summary>
    internal RoundAggregated? Aggregation => aggregation;
    /// <summary>What each contributor of the current round reported spending of its privacy budget.</summary>
    internal IReadOnlyDictionary<string, PrivacySpent> RoundPrivacy => roundPrivacy;
    internal DateTimeOffset RoundOpenedAt => roundOpenedAt;
    /// <summary>The job report's cross-site matrix once scored (a training job that asked for one); null otherwise.</summary>
    public CrossSiteReport? CrossSite => (Kind as TrainingKind)?.CrossSite;

    /// <summary>The next round's first attempt, opened now.</summary>
    internal RoundStartedEvent NextRound(DateTimeOffset now) => new(Round + 1, 1, now + Spec.RoundDeadline, now, NewNonce(Spec));

    public static IReadOnlyList<IJobEvent> Create(Guid jobId, JobSpec spec, IReadOnlyList<string> participants, DateTimeOffset now,
        JobGovernance? governance = null)
    {
        // A count is one round whatever the spec says (its rounds default to training's).
        if (spec.Kind == JobKinds.LabelCounts) spec = spec with { Rounds = 1 };
        var initial = spec.Model is null ? NoWeights : FlatParameters.Initial(ParameterLayout.For(spec.Model), spec.Seed).ToWeights();
        return [new JobCreated(jobId, spec, participants, initial, now, governance),
            new RoundStartedEvent(1, 1, now + spec.RoundDeadline, now, NewNonce(spec))];
    }

    public JobDecision OnUpdate(UpdateSubmitted u, DateTimeOffset now)
    {
        if (Check(u.Round, u.SiteId, JobPhase.Collecting, "update") is { } problem) return problem;
        if (Spec.SecureAggregation)
            return JobDecision.Refuse("this job runs secure aggregation: plain updates are refused (send keys, shares and a masked update)");
        if (keys is not null) return JobDecision.Refuse("unsealed, unsigned updates are refused: seal the update for the coordinator and sign it");
        return Judge(u, now);
    }

    /// <summary>The checks every plain update passes, however it arrived.</summary>
    private JobDecision Judge(UpdateSubmitted u, DateTimeOffset now)
    {
        if (training.Answers.ContainsKey(u.SiteId))
            return JobDecision.Ignore($"duplicate update from {u.SiteId} for round {u.Round} ignored (already counted once)");
        if (u.SampleCount is < 1 or > MaxSamplesPerUpdate) return JobDecision.Refuse($"sample count {u.SampleCount} is outside 1..{MaxSamplesPerUpdate}");
        if (!double.IsFinite(u.TrainLoss)) return JobDecision.Refuse($"train loss {u.TrainLoss} is not finite");
        try { FlatParameters.Validate(Layout, u.Weights); }
        catch (InvalidPayloadException e) { return JobDecision.Refuse(e.Message); }
        if (PrivacyReportProblem(u.SiteId, u.Privacy) is { } bad) return JobDecision.Refuse(bad);
        if (ControlDeltaProblem(u.ControlDelta) is { } badControl) return JobDecision.Refuse(badControl);
        var received = new UpdateReceived(u.Round, u.SiteId, u.SampleCount, u.Weights, u.TrainLoss, u.Device, u.TrainSeconds, u.Privacy, u.ControlDelta);
        return new JobDecision(training.Complete(Participants, with: u.SiteId) ? [received, Aggregate(now, received)] : [received]);
    }

    public JobDecision OnDecline(RoundDeclined d, DateTimeOffset now)
    {
        if (Phase == JobPhase.Answering && d.Round == Round && Participants.Contains(d.SiteId)) return OnAnswerDeclined(d, now);
        if (Check(d.Round, d.SiteId, JobPhase.Collecting, "decline") is { } problem) return problem;
        if (d.Attempt is { } earlier && earlier < Attempt && secure is not null) lagging.Add(d.SiteId);
        if (d.Attempt is { } attempt && attempt != Attempt)
            return JobDecision.Ignore($"decline from {d.SiteId} for attempt {attempt} of round {d.Round} ignored: attempt {Attempt} is running");
        if (training.HasAnswered(d.SiteId)) return JobDecision.Ignore($"{d.SiteId} already answered round {d.Round}");
        var declinedEvent = new SiteDeclined(d.Round, d.SiteId, string.IsNullOrWhiteSpace(d.Reason) ? "declined" : d.Reason, d.BudgetExhausted);
        if (QuorumOutOfBudget(d.BudgetExhausted ? d.SiteId : null, now) is { } stop) return new JobDecision([declinedEvent, stop]);
        if (secure is not null)
            return new JobDecision(SecureStepComplete(alsoDeclined: d.SiteId) ? [declinedEvent, .. CloseSecureStep(now)] : [declinedEvent]);
        if (!training.Complete(Participants, with: d.SiteId)) return new JobDecision([declinedEvent]);
        return new JobDecision(training.Answers.Count >= Spec.MinSites ? [declinedEvent, Aggregate(now, null, declinedEvent)] : [declinedEvent]);
    }

    /// <summary>The deadline of a phase passed: go on with whoever answered, retry the round, or give up.</summary>
    /// <param name="unreachable">Participants that could not hear the step's request (see <see cref="WaitForUnreachable"/>).</param>
    public IReadOnlyList<IJobEvent> OnDeadline(int step, DateTimeOffset now, IReadOnlyCollection<string>? unreachable = null)
    {
        if (step != Step || !IsRunning || now < Deadline) return [];
        if (WaitForUnreachable(unreachable, now) is { } wait) return [wait];
        if (WaitForLagging(now) is { } behind) return [behind];
        if (Phase == JobPhase.Answering) return CloseAnswerStep(now);
        if (secure is not null) return CloseSecureStep(now);
        if (training.Answers.Count >= Spec.MinSites) return [Aggregate(now, null)];
        return RetryOrFail($"{training.Answers.Count} of the {Spec.MinSites} sites needed sent an update", now);
    }

    /// <summary>A round that cannot complete is tried again (a fresh attempt, a fresh nonce) up to the limit, then the job fails.</summary>
    internal IReadOnlyList<IJobEvent> RetryOrFail(string why, DateTimeOffset now)
    {
        if (Attempt - attemptsBeforeResume < MaxAttemptsPerRound)
            return [new RoundStartedEvent(Round, Attempt + 1, now + Spec.RoundDeadline, now, NewNonce(Spec))];
        return [new JobFinished(JobOutcome.Failed, $"round {Round}: {why}, in {MaxAttemptsPerRound} attempts", now)];
    }

    public void Apply(IJobEvent e)
    {
        switch (e)
        {
            case JobCreated c:
                created = c;
                (JobId, Spec, Participants, GlobalWeights, Governance) = (c.JobId, c.Spec, c.Participants, c.InitialWeights, c.Governance);
                var architecture = c.Spec.Model is null ? null : Architecture.Resolve(c.Spec.Model, c.Spec.FeatureNames);
                (Layout, ModelDigest) = (architecture?.Layout ?? new ParameterLayout([]), architecture?.Digest);
                Kind = JobKind.For(c.Spec);
                ApplyServerState(null);
                break;
            case RoundStartedEvent r:
                NoteAttemptStarted(r);
                if (r.Round != Round)
                {
                    training.Clear(); runningSum = null; roundPrivacy.Clear(); gone.Clear();
                    aggregation = null;
                    attemptsBeforeResume = 0;
                    roundOpenedAt = r.At;
                }
                // A secure attempt is a fresh run of the protocol: a site that left the last one (its keys came too late,
                // too few parties for its policy) has not answered this one. Kept, its decline would close this attempt's
                // steps without it and fail it at once, and every attempt after it the same way.
                else if (Spec.SecureAggregation) training.ClearDeclines();
                (Round, Attempt, Deadline, Phase, CurrentStep) = (r.Round, r.Attempt, r.Deadline, JobPhase.Collecting, null);
                opened = r;
                Step++;
                OpenSecureRound(r);
                break;
            case KeysAdvertReceived or GraphSeedReceived or SharesReceived or MaskedUpdateReceived or RevealedSharesReceived:
                ApplySecureMessage(e);
                break;
            case SecureStepClosed c:
                ApplySecureStepClosed(c);
                break;
            case UpdateReceived u:
                (runningSum ??= new RoundAggregator(Layout, Spec.Strategy)).Add(u.SiteId, u.Weights, u.SampleCount, u.ControlDelta);
                training.Answer(u.SiteId, u with { Weights = NoWeights, ControlDelta = null });
                if (u.Privacy is { } spent) roundPrivacy[u.SiteId] = spent;
                break;
            case SiteDeclined d:
                training.Decline(d.SiteId, d.Reason);
                if (d.BudgetExhausted) budgetExhausted.Add(d.SiteId);
                break;
            case RoundAggregated a:
                aggregation = a;
                GlobalWeights = a.GlobalWeights;
                ApplyServerState(a.ServerState);
                serverState = a.ServerState;
                modelRound = a.Round;
                secure = null;
                PendingBroadcast = null;
                break;
            case SitesGone g:
                foreach (var (site, seen) in g.LastSeen) gone[site] = GoneText(seen);
                break;
            case RoundClosed c:
                rounds.Add(c.Summary);
                // The best round by the task's headline figure (AUC, C-index, accuracy; RMSE, lower better).
                var task = Spec.Model?.Task ?? ModelTasks.Binary;
                var roundAuc = PrimaryFigure.ValueOf(task, c.Summary.Global) is var figure && double.IsFinite(figure) ? figure : (double?)null;
                if (roundAuc is { } scored && (Best is null || PrimaryFigure.Better(task, scored, Best.Auc)))
                    Best = new JobCheckpoint(c.Summary.Round, scored, GlobalWeights);
                if (Spec.CheckpointEvery > 0 && c.Summary.Round % Spec.CheckpointEvery == 0)
                    kept[c.Summary.Round] = new JobCheckpoint(c.Summary.Round, roundAuc ?? double.NaN, GlobalWeights);
                break;
            case DeadlineExtended x when x.Step == Step:
                Deadline = x.Deadline;
                break;
            case JobPaused p:
                ApplyPaused(p);
                break;
            case JobResumed r:
                ApplyResumed(r);
                break;
            case JobFinished f:
                finished = f;
                Phase = f.Outcome switch { JobOutcome.Completed => JobPhase.Completed, JobOutcome.Stopped => JobPhase.Stopped, _ => JobPhase.Failed };
                Detail = f.Detail;
                break;
        }
        // The answer steps the kind declared (their opening, answers, declines), then what the kind keeps of the event.
        ApplyAnswerStep(e);
        Kind.Apply(e);
    }

    /// <summary>The best global model so far (highest global AUC of a closed round), kept when the rounds are pruned; null before one.</summary>
    public JobCheckpoint? Best { get; private set; }

    /// <summary>Every k-th round's global model, when the spec asks for them (<see cref="JobSpec.CheckpointEvery"/>).</summary>
    private readonly SortedDictionary<int, JobCheckpoint> kept = new();

    /// <summary>A kept global model with what is needed to use it (the latest unless the best is asked for); null before the job exists or when there is
    /// none.</summary>
    public JobModel? Model(string checkpoint = Checkpoints.Latest)
    {
        if (Phase == JobPhase.New || Spec.Model is null) return null;
        var (round, weights) = checkpoint switch
        {
            Checkpoints.Latest => (modelRound, GlobalWeights),
            Checkpoints.Best => (Best?.Round, Best?.Weights),
            _ when Checkpoints.RoundOf(checkpoint) is { } r && kept.TryGetValue(r, out var k) => (k.Round, k.Weights),
            _ => ((int?)null, (ModelWeights?)null),
        };
        return weights is null ? null : new JobModel
        {
            JobId = JobId, JobName = Spec.Name, Status = Phase.ToString().ToLowerInvariant(), Schema = Spec.Schema, FeatureNames = Spec.FeatureNames,
            Model = Spec.Model, Round = round!.Value, Weights = weights,
        };
    }

    public JobSummary Summary() => Kind.Describe(new()
    {
        JobId = JobId, Spec = Spec, Status = Status, CurrentRound = Round, Attempt = Attempt,
        Participants = Participants, Rounds = rounds.ToList(), Detail = Detail, BestRound = Best?.Round,
        BestAuc = Spec.Model?.Task is ModelTasks.Multiclass or ModelTasks.Regression ? null : Best?.Auc, BestFigure = Best?.Auc,
        KeptRounds = kept.Keys.ToList(), ModelDigest = ModelDigest, ModelParameters = Spec.Model is null ? null : Layout.TotalCount,
    });

    private string? PrivacyReportProblem(string siteId, PrivacySpent? spent)
    {
        if (Spec.Privacy is not null && spent is null) return "the job trains with DP-SGD but the update reports no privacy spent";
        if (spent is { } p && (p.SiteId != siteId || !(p.Epsilon >= 0) || !(p.Delta is > 0 and < 1)))
            return $"privacy report of {siteId} is malformed (site {p.SiteId}, ε {p.Epsilon}, δ {p.Delta})";
        return null;
    }

    private JobDecision? Check(int round, string siteId, JobPhase expected, string what)
    {
        if (!Participants.Contains(siteId)) return JobDecision.Refuse($"site '{siteId}' is not a participant of job {JobId}");
        if (!IsRunning) return JobDecision.Refuse(NotTaking(what));
        if (round != Round || Phase != expected)
            return JobDecision.Refuse($"{what} for round {round} arrived while the job is in round {Round} ({Status}): too late or out of order");
        return null;
    }

    /// <summary>A privacy budget, once spent, stays spent: when too few sites have budget left, the job stops for good.</summary>
    private JobFinished? QuorumOutOfBudget(string? newlyExhausted, DateTimeOffset now)
    {
        var exhausted = budgetExhausted.Concat(newlyExhausted is null ? [] : [newlyExhausted]).ToHashSet();
        var withBudget = Participants.Count(p => !exhausted.Contains(p));
        return withBudget >= Spec.MinSites ? null
            : new JobFinished(JobOutcome.Stopped, $"privacy budget exhausted at {string.Join(", ", exhausted.Order(StringComparer.Ordinal))}: " +
                $"{withBudget} of the {Spec.MinSites} sites needed can still train", now);
    }

    private RoundAggregated Aggregate(DateTimeOffset now, UpdateReceived? pending, SiteDeclined? pendingDecline = null,
        IReadOnlyDictionary<string, string>? goneNow = null)
    {
        var contributors = training.Answers.Values.Concat(pending is null ? [] : [pending]).OrderBy(u => u.SiteId, StringComparer.Ordinal).ToList();
        // The update that closes the round is not applied yet: the average includes it without changing the running sum.
        var average = runningSum ?? new RoundAggregator(Layout, Spec.Strategy);
        var result = average.Result(pending?.SiteId, pending?.Weights, pending?.SampleCount ?? 0);
        var controlSum = average.ControlSum(pending?.ControlDelta);
        var samples = contributors.Sum(u => (double)u.SampleCount);
        var trainLoss = contributors.Sum(u => u.TrainLoss * u.SampleCount) / samples;
        var leftOut = Participants.Where(p => contributors.All(u => u.SiteId != p)).Select(p => new SiteLeftOut
        {
            SiteId = p,
            Reason = training.LeftOutReason(p, pendingDecline is null ? null : (pendingDecline.SiteId, pendingDecline.Reason), GoneReason(p, goneNow),
                "late: no update before the round deadline"),
        }).ToList();
        var (global, serverState) = Finish(result, controlSum);
        return new RoundAggregated(Round, global, contributors.Select(u => u.SiteId).ToList(), leftOut, trainLoss, now + Spec.RoundDeadline, now, serverState);
    }
}
