using System.Diagnostics;
using Akka;
using Akka.Actor;
using Akka.Event;
using Akka.Cluster;
using Akka.Cluster.Sharding;
using Akka.Persistence;
using FedHealth.Coordinator.Sites;
using FedHealth.Contracts;
using FedHealth.Coordinator.Bus;
using FedHealth.Coordinator.Ledger;
using FedHealth.Governance;
using FedHealth.Messaging.Chunking;
using FedHealth.Monitoring;
using static FedHealth.Coordinator.Jobs.JobProtocol;

namespace FedHealth.Coordinator.Jobs;

/// <summary>
/// One federated job, event-sourced: it persists what <see cref="JobState"/> decides, applies it, and only then
/// talks to the sites. After a restart it replays its journal and resumes the phase it was in. In the cluster it is
/// a sharded entity: every site message is answered with <see cref="JobProtocol.Handled"/> once it is in the journal
/// (or refused), so the bus acknowledges a message only after it can no longer be lost.
/// </summary>
public sealed class JobActor : ReceivePersistentActor, IWithTimers
{
    private const string DeadlineTimer = "deadline";
    private const string LivenessTimer = "liveness";
    private readonly JobState state;
    private readonly TransferRecorder transfers;
    private string? ledgerHead;
    private readonly LivenessSettings? liveness;
    private readonly IFederationPublisher publisher;
    private readonly TimeProvider clock;
    private readonly IActorRef? index;
    private readonly ChunkSpool? spool;
    // A step's deadline only runs once its request is confirmed on the bus and while the bus has its broker: during an
    // outage a publish hangs or fails, nobody can hear anyone, and an outage must not burn the round's attempts. Once the
    // bus is back the step gets a full window (DeadlineExtended), and sites a full offline period before liveness may
    // call them gone (their heartbeats could not arrive).
    private int confirmedStep = -1;
    private bool stepPublishFailed;
    private bool waitedForBus;
    private DateTimeOffset busBackAt = DateTimeOffset.MinValue;
    private DateTimeOffset confirmedAt = DateTimeOffset.MinValue;
    // The broker went away after the step's request was confirmed: a site's answer sent in the outage may be lost (a
    // site gives up a publish after a few seconds of retries), and with every party needed one lost answer fails the
    // attempt. Once the bus is back the request goes out again; a site answers a request it already answered with the
    // same message (it keeps its answers per attempt), so only what was lost is new to the coordinator.
    private bool outageSinceRequest;
    // When each participant was last heard (heartbeats), from the latest liveness report: after an outage, who has reconnected.
    private IReadOnlyDictionary<string, DateTimeOffset> lastSeen = new Dictionary<string, DateTimeOffset>();
    private static readonly TimeSpan RepublishEvery = TimeSpan.FromSeconds(2);
    private readonly ILoggingAdapter log = Context.GetLogger();
    /// <summary>
    /// The open round's span (null when nobody listens): its requests carry it to the sites, and the coordinator's work
    /// on the answers is its children.
    /// </summary>
    private Activity? roundSpan;

    /// <summary>The site messages that may arrive in slices (a large model's update, a shared personal model).</summary>
    public static readonly IReadOnlyDictionary<string, Type> ChunkedTypes = new[] { typeof(UpdateSubmitted), typeof(SealedUpdateSubmitted),
        typeof(MaskedUpdateSubmitted), typeof(EvaluationSubmitted) }
        .ToDictionary(t => t.Name);

    /// <param name="index">The job index to tell when the job has ended; set when the job runs as a sharded entity.</param>
    /// <param name="journal">Snapshots and pruning (default: snapshots at round close, the events they cover pruned).</param>
    public static Props Props(Guid jobId, IFederationPublisher publisher, TimeProvider clock, SecureAggregationKeys? keys = null,
        GovernanceContext? governance = null, LivenessSettings? liveness = null, IActorRef? index = null, string? spoolDir = null,
        JobJournal? journal = null) =>
        Akka.Actor.Props.Create(() => new JobActor(jobId, publisher, clock, keys, governance, liveness, index, spoolDir, journal ?? new JobJournal()));

    public override string PersistenceId { get; }
    private readonly JobJournal journal;
    /// <summary>The sequence number the recovery's snapshot covers (0: recovered from events alone).</summary>
    private long snapshotAt;
    public override Recovery Recovery => journal.Snapshots ? base.Recovery : new Recovery(SnapshotSelectionCriteria.None);
    public ITimerScheduler Timers { get; set; } = null!;

    public JobActor(Guid jobId, IFederationPublisher publisher, TimeProvider clock, SecureAggregationKeys? keys, GovernanceContext? governance,
        LivenessSettings? liveness, IActorRef? index, string? spoolDir, JobJournal journal)
    {
        this.journal = journal;
        this.index = index;
        // Slices are spooled on this node's disk only: if it dies the job resumes elsewhere, re-publishes the step,
        // and the sites send their answer again, whole.
        spool = spoolDir is null ? null : new ChunkSpool(Path.Combine(spoolDir, $"job-{jobId:N}"), ChunkedTypes);
        state = new JobState(keys);
        transfers = new TransferRecorder(governance, clock);
        this.liveness = liveness;
        PersistenceId = $"job-{jobId}";
        this.publisher = publisher;
        this.clock = clock;

        Recover<SnapshotOffer>(offer =>
        {
            state.Restore((JobSnapshot)offer.Snapshot);
            snapshotAt = offer.Metadata.SequenceNr;
        });
        Recover<IJobEvent>(e => state.Apply(e));
        Recover<RecoveryCompleted>(_ =>
        {
            if (state.Phase == JobPhase.New) return;
            if (state.HasEnded)
            {
                // A job that ended before snapshots existed (a journal of an older release) is compacted the first time it
                // wakes up: snapshotted whole, its events pruned behind it.
                if (journal.Snapshots && LastSequenceNr > snapshotAt) SaveSnapshot(state.Snapshot());
                Retire();
                return;
            }
            if (state.Phase == JobPhase.Paused)
            {
                log.Info("job {0} recovered on {1} in round {2}, {3}; waiting for a lead to resume it", jobId, Cluster.Get(Context.System).SelfAddress,
                    state.Round, state.Detail);
                return;
            }
            log.Info("job {0} recovered on {1} in round {2} ({3}); resuming", jobId, Cluster.Get(Context.System).SelfAddress, state.Round, state.Phase);
            ResumePhase();
        });

        Command<StartJob>(start =>
        {
            // The index re-sends the start to wake a job up after a fail-over; a job that exists has nothing to do.
            if (state.Phase != JobPhase.New) return;
            log.Info("job {0} starting on {1}", jobId, Cluster.Get(Context.System).SelfAddress);
            PersistDecided(JobState.Create(start.JobId, start.Spec, start.Participants, Now, start.Governance));
        });
        Command<UpdateSubmitted>(u => Handle(() => state.OnUpdate(u, Now), u, "update"));
        Command<RoundDeclined>(d =>
        {
            FederationMetrics.Declined(d.Reason, "received");
            transfers.RefusedBySite(state, d, Self);
            Handle(() => state.OnDecline(d, Now), d, "decline");
        });
        Command<EvaluationSubmitted>(e => Handle(() => state.OnAnswer(e, Now), e, "evaluation"));
        Command<CrossSiteEvaluationSubmitted>(m => Handle(() => state.OnAnswer(m, Now), m, "cross-site scores"));
        Command<SiteChunk>(OnChunk);
        Command<TransferLedger.Head>(h => ledgerHead = h.Hash);
        Command<PhaseDeadline>(d =>
        {
            if (!state.IsRunning || d.Step != state.Step) return;
            if (BusHeld(d.Step))
            {
                if (stepPublishFailed) PublishCurrentStep();
                Timers.StartSingleTimer(DeadlineTimer, d, RepublishEvery);
                return;
            }
            // Until its request was confirmed and the bus had its broker, nobody could hear anyone: a full window from then
            // (a request that went out late, republished by a recovered coordinator or after an outage).
            var heardSince = confirmedAt > busBackAt ? confirmedAt : busBackAt;
            if (state.OnRequestDelivered(d.Step, heardSince) is { Count: > 0 } extended)
            {
                PersistDecided(extended);
                return;
            }
            // The step's deadline may have moved on since this timer was armed (a late request gets a full window).
            var left = state.Deadline - Now;
            if (left > TimeSpan.Zero) { Timers.StartSingleTimer(DeadlineTimer, d, left); return; }
            using var span = FederationTracing.StartChild(roundSpan, "coordinator deadline", ("fedhealth.round", state.Round));
            var closing = state.OnDeadline(d.Step, Now, Unreachable());
            if (closing.Any(e => e is RoundAggregated)) FederationTracing.Aggregated(span);
            PersistDecided(closing);
        });
        Command<SealedUpdateSubmitted>(m => Handle(() => state.OnSealedUpdate(m, Now), m, "sealed update"));
        Command<MaskingKeysAdvertised>(m => Handle(() => state.OnSecureMessage(m, Now), m, "key advertisement"));
        Command<GraphSeedRevealed>(m => Handle(() => state.OnSecureMessage(m, Now), m, "graph seed"));
        Command<SharesSubmitted>(m => Handle(() => state.OnSecureMessage(m, Now), m, "shares"));
        Command<MaskedUpdateSubmitted>(m => Handle(() => state.OnSecureMessage(m, Now), m, "masked update"));
        Command<UnmaskingSharesSubmitted>(m => Handle(() => state.OnSecureMessage(m, Now), m, "unmasking shares"));
        Command<StopJob>(stop => Control(() => state.OnStop(stop, Now), stop.JobId, "stop"));
        Command<ResumeJob>(resume => Control(() => state.OnResume(resume, Now), resume.JobId, "resume"));
        Command<GetJobSummary>(_ => Sender.Tell(state.Summary()));
        Command<GetJobModel>(q => Sender.Tell(state.Model(q.Checkpoint) is { } model ? model : new JobModelUnavailable
        {
            JobId = q.JobId,
            Reason = state.Phase == JobPhase.New ? $"no job {q.JobId}"
                : state.Spec.Model is null ? $"job {q.JobId} is a {state.Spec.Kind} job: it has no model"
                : !Checkpoints.All.Contains(q.Checkpoint) ? $"checkpoint '{q.Checkpoint}' is not kept (kept: {string.Join(", ", KeptCheckpoints())})"
                : $"job {q.JobId} has no {q.Checkpoint} checkpoint yet: no round has closed with a global AUC",
        }));
        Command<Done>(_ => { });
        // Only the latest snapshot is kept: an older one covers nothing the latest does not. The events it covers (the
        // closed rounds' updates, masked updates and checkpoints) are pruned: an update acknowledged in the open round
        // is journaled after the snapshot and stays until the round after it has closed and been snapshotted.
        Command<SaveSnapshotSuccess>(saved =>
        {
            DeleteSnapshots(new SnapshotSelectionCriteria(saved.Metadata.SequenceNr - 1));
            if (journal.PruneRounds) DeleteMessages(saved.Metadata.SequenceNr);
        });
        Command<DeleteMessagesSuccess>(deleted =>
        {
            log.Info("job {0}: events up to {1} pruned (covered by the round-close snapshot)", jobId, deleted.ToSequenceNr);
            Reclaim();
        });
        Command<DeleteMessagesFailure>(failed =>
            log.Warning(failed.Cause, "job {0}: pruning events up to {1} failed; they stay until the next round's snapshot", jobId, failed.ToSequenceNr));
        Command<SaveSnapshotFailure>(failed =>
            log.Warning(failed.Cause, "job {0}: saving the snapshot at {1} failed; recovery replays from the previous one", jobId, failed.Metadata.SequenceNr));
        // The snapshot before the latest held a model or two: its pages go back as well.
        Command<DeleteSnapshotsSuccess>(_ => Reclaim());
        Command<DeleteSnapshotsFailure>(failed =>
            log.Warning(failed.Cause, "job {0}: deleting snapshots before the latest failed (they only take space)", jobId));
        Command<ReceiveTimeout>(_ => Context.Parent.Tell(new Passivate(PoisonPill.Instance)));
        Command<CheckLiveness>(_ =>
        {
            if (liveness is null || !state.IsRunning) return;
            var participants = state.Participants;
            liveness.Sites.Ask<SiteRegistry.LastSeen>(new SiteRegistry.GetLastSeen(), TimeSpan.FromSeconds(10))
                .PipeTo(Self, success: seen => new LivenessReport(participants.ToDictionary(p => p, seen.For)),
                    failure: _ => Done.Instance);
        });
        Command<LivenessReport>(r =>
        {
            lastSeen = r.LastSeen;
            // Heartbeats could not arrive while the bus was down: give sites a full offline period to be heard again.
            if (BusHeld(state.Step) || Now - busBackAt < this.liveness!.OfflineAfter) return;
            PersistDecided(state.OnLiveness(r.LastSeen, this.liveness.OfflineAfter, Now));
        });
        Command<PublishFailed>(f =>
        {
            log.Warning(f.Cause, "job {0}: publishing {1} failed", jobId, f.What);
            if (f.Step == state.Step) stepPublishFailed = true;
        });
        Command<Published>(p =>
        {
            if (p.Step != state.Step) return;
            if (confirmedStep != p.Step) (confirmedStep, confirmedAt) = (p.Step, Now);
            BusHeld(p.Step); // notes the moment the bus is back, if it was away
        });
    }

    private DateTimeOffset Now => clock.GetUtcNow();

    /// <summary>A job that stops mid-round (passivated, its node leaving) ends its round's span, marked so, rather than losing it.</summary>
    protected override void PostStop()
    {
        roundSpan?.SetTag("fedhealth.interrupted", true).Dispose();
        roundSpan = null;
        base.PostStop();
    }

    /// <summary>The pruned rows' space given back, off this actor's thread.</summary>
    private void Reclaim()
    {
        var (jobId, logger) = (state.JobId, log);
        journal.Space?.ReclaimInBackground(e =>
            logger.Warning("job {0}: giving the journal's pruned space back failed ({1}); the next prune tries again", jobId, e.Message));
    }

    private IEnumerable<string> KeptCheckpoints() => Checkpoints.All.Concat(state.Summary().KeptRounds.Select(Checkpoints.OfRound));

    /// <summary>
    /// True while the step's request is unconfirmed or the bus has lost its broker: nobody can hear anyone, so the
    /// step's deadline and the liveness judgment wait. Notes the moment the bus is back (<see cref="busBackAt"/>).
    /// </summary>
    private bool BusHeld(int step)
    {
        var confirmed = confirmedStep == step;
        if (!confirmed || !publisher.IsUp)
        {
            if (!waitedForBus)
                log.Warning(confirmed ? "job {0}: the bus has lost its broker; step {1} waits until it is back"
                    : "job {0}: the request of step {1} is not confirmed on the bus yet; its deadline waits", state.JobId, step);
            waitedForBus = true;
            if (confirmed) outageSinceRequest = true;
            return true;
        }
        if (waitedForBus)
        {
            waitedForBus = false;
            busBackAt = Now;
            log.Info("job {0}: the bus is back (step {1} confirmed)", state.JobId, step);
            if (outageSinceRequest && state.IsRunning)
            {
                log.Info("job {0}: step {1}'s request goes out again: answers sent while the broker was away may be lost", state.JobId, step);
                PublishCurrentStep();
            }
        }
        return false;
    }

    /// <summary>
    /// The participants not heard from since the bus came back, while they may still be reconnecting (for a full offline
    /// period after it, as liveness allows them): they cannot hear the step's request yet. None when there was no outage.
    /// </summary>
    private IReadOnlyCollection<string> Unreachable()
    {
        if (liveness is null || busBackAt == DateTimeOffset.MinValue || Now - busBackAt >= liveness.OfflineAfter) return [];
        return state.Participants.Where(p => !lastSeen.TryGetValue(p, out var seen) || seen < busBackAt).ToList();
    }

    /// <summary>A site's message for a round: decided by the job's state, recorded on the ledger by what it carries, answered once journaled.</summary>
    private void Handle(Func<JobDecision> decide, ISiteRoundMessage message, string what)
    {
        var (replyTo, siteId, round, dataKind) = (Sender, message.SiteId, message.Round, DataKinds.Of(message));
        if (state.Phase == JobPhase.New)
        {
            // A message for a job nobody started (a stale or forged id): refuse it and stop holding the entity.
            var named = message.JobId;
            Refuse(named, siteId, round, what, $"no job {named} at this coordinator", replyTo);
            Context.Parent.Tell(new Passivate(PoisonPill.Instance));
            return;
        }
        using var span = FederationTracing.StartChild(roundSpan, $"coordinator fold {what}", ("fedhealth.site", siteId), ("fedhealth.round", round));
        var decision = decide();
        if (decision.Events.Any(e => e is RoundAggregated)) FederationTracing.Aggregated(span);
        if (dataKind is not null) transfers.Inbound(state, message, siteId, round, dataKind, decision.Refusal, Self);
        if (decision.Note is { } note) log.Info("job {0}: {1}", state.JobId, note);
        if (decision.Refusal is { } reason) { Refuse(state.JobId, siteId, round, what, reason, replyTo); return; }
        if (decision.Events.Count > 0 && decision.Events[0] is UpdateReceived or MaskedUpdateReceived)
            log.Info("job {0}: round {1} {2} from {3} counted", state.JobId, round, what, siteId);
        PersistDecided(decision.Events, () => replyTo.Tell(new Handled(what, Refusal: null)));
    }

    /// <summary>A lead's stop or resume: answered once the change is in the journal, or refused with the reason.</summary>
    private void Control(Func<JobDecision> decide, Guid named, string what)
    {
        var replyTo = Sender;
        if (state.Phase == JobPhase.New)
        {
            replyTo.Tell(new JobControlRefused { JobId = named, Reason = $"no job {named}" });
            Context.Parent.Tell(new Passivate(PoisonPill.Instance));
            return;
        }
        var decision = decide();
        if (decision.Refusal is { } reason)
        {
            log.Info("job {0}: {1} refused: {2}", state.JobId, what, reason);
            replyTo.Tell(new JobControlRefused { JobId = state.JobId, Reason = reason });
            return;
        }
        PersistDecided(decision.Events, () => replyTo.Tell(new JobControlAccepted { JobId = state.JobId, Status = state.Status }));
    }

    /// <summary>A slice of a site's large message: spooled; the whole message, once complete and intact, is handled like any other.</summary>
    private void OnChunk(SiteChunk chunk)
    {
        var (siteId, round) = (chunk.SiteId, chunk.Slice.Round);
        if (state.Phase == JobPhase.New || spool is null || !state.Participants.Contains(siteId) || round != state.Round)
        {
            Handle(() => JobDecision.Refuse(spool is null ? "this coordinator takes no chunked messages"
                : $"chunk for round {round} from '{siteId}' does not belong to the job's current round {state.Round}"), chunk, "chunk");
            return;
        }
        object? whole;
        try { whole = spool.Add(chunk.Slice); }
        catch (InvalidChunkException e) { Refuse(state.JobId, siteId, round, "chunk", e.Message, Sender); return; }
        if (whole is null) { Sender.Tell(new Handled("chunk", null)); return; }
        if (whole is not ISiteRoundMessage m || m.SiteId != siteId || m.JobId != state.JobId)
        {
            Refuse(state.JobId, siteId, round, "chunked message",
                $"the reassembled {chunk.Slice.MessageType} names another site or job than its slices", Sender);
            return;
        }
        log.Info("job {0}: round {1} {2} from {3} reassembled from {4} slices ({5} bytes)", state.JobId, round, chunk.Slice.MessageType, siteId,
            chunk.Slice.Count, chunk.Slice.TotalBytes);
        Self.Forward(whole);
    }

    private void Refuse(Guid jobId, string siteId, int round, string what, string reason, IActorRef replyTo)
    {
        log.Warning("job {0}: refused {1} from {2} for round {3}: {4}", jobId, what, siteId, round, reason);
        Publish(new UpdateRefused { JobId = jobId, Round = round, SiteId = siteId, Reason = reason });
        replyTo.Tell(new Handled(what, reason));
    }

    /// <summary>Persists, then applies, each event; <paramref name="persisted"/> runs once all are in the journal (at once when there are none).</summary>
    private void PersistDecided(IReadOnlyList<IJobEvent> events, Action? persisted = null)
    {
        if (events.Count == 0) { persisted?.Invoke(); return; }
        var last = events[^1];
        var handed = clock.GetTimestamp();
        PersistAll(events, e =>
        {
            if (ReferenceEquals(e, events[0])) FederationMetrics.JournalWritten(clock.GetElapsedTime(handed));
            state.Apply(e);
            AfterApplied(e);
            if (ReferenceEquals(e, last)) persisted?.Invoke();
        });
    }

    /// <summary>An ended job tells the index (which stops waking it) and, once idle, leaves its node's memory.</summary>
    private void Retire()
    {
        if (index is null) return;
        index.Tell(new Jobs.JobRetired(state.JobId, Now, JobListing.Of(state.Summary())));
        SetReceiveTimeout(TimeSpan.FromMinutes(2));
    }

    private void AfterApplied(IJobEvent e)
    {
        switch (e)
        {
            case RoundStartedEvent started:
                roundSpan?.Dispose();
                roundSpan = FederationTracing.StartRoot("round", ("fedhealth.job", state.JobId.ToString()), ("fedhealth.round", started.Round),
                    ("fedhealth.kind", state.Spec.Kind));
                spool?.DropBefore(state.JobId, started.Round);
                if (journal.Snapshots && state.AtRoundBoundary) SaveSnapshot(state.Snapshot());
                ResumePhase();
                break;
            case SecureStepClosed:
            case RoundAggregated:
                ResumePhase();
                break;
            case CrossSiteStarted started:
                // Watchers learn that the job is past its last round but not done: the sites are scoring the final models.
                PublishStatusChanged(started.At);
                ResumePhase();
                break;
            case DeadlineExtended extended:
                log.Info(
                    "job {0}: round {1} {2}: the request went out late or a site waited for has not reconnected yet, so the sites have until {3:HH:mm:ss} UTC",
                    state.JobId, state.Round, state.Status, extended.Deadline);
                Timers.StartSingleTimer(DeadlineTimer, new PhaseDeadline(state.Step), extended.Deadline - Now);
                break;
            case CrossSiteClosed crossSite:
                log.Info("job {0}: cross-site evaluation closed: {1} cells, {2} personal models withheld, {3} sites did not score", state.JobId,
                    crossSite.Report.Cells.Count, crossSite.Report.Withheld.Count, crossSite.Report.NotScored.Count);
                break;
            case JobPaused paused:
                // Nothing runs while paused; the resume arms its step afresh.
                Timers.Cancel(DeadlineTimer);
                Timers.Cancel(LivenessTimer);
                log.Info("job {0} {1} in round {2}", state.JobId, state.Detail, state.Round);
                PublishStatusChanged(paused.At);
                break;
            case JobResumed resumed:
                log.Info("job {0} {1}: round {2} {3} again", state.JobId, state.Detail, state.Round, state.Status);
                PublishStatusChanged(resumed.At);
                // A training round restarts with the RoundStartedEvent persisted with this; an evaluation is asked for again here.
                if (state.Phase == JobPhase.Answering) ResumePhase();
                break;
            case RoundClosed closed:
                FederationMetrics.RoundClosed(state.Spec.Kind, TimeSpan.FromSeconds(closed.Summary.Seconds), closed.Summary.Contributors.Count,
                    closed.Summary.LeftOut.Count);
                foreach (var spent in closed.Summary.Privacy) FederationMetrics.Epsilon(state.JobId, spent.SiteId, spent.Epsilon);
                log.Info("job {0}: round {1} closed, global AUC {2:F4}", state.JobId, closed.Summary.Round, closed.Summary.Global?.Auc);
                Publish(closed.Summary);
                roundSpan?.SetTag("fedhealth.contributors", closed.Summary.Contributors.Count).Dispose();
                roundSpan = null;
                break;
            case JobFinished finished:
                roundSpan?.Dispose();
                roundSpan = null;
                FederationMetrics.JobEnded(finished.OutcomeName);
                // Nothing is pending any more: the ended job is snapshotted and its last round's events pruned too.
                if (journal.Snapshots) SaveSnapshot(state.Snapshot());
                Timers.Cancel(DeadlineTimer);
                Timers.Cancel(LivenessTimer);
                Retire();
                log.Info("job {0} {1}: {2}", state.JobId, finished.OutcomeName, finished.Detail);
                Publish(new JobEnded
                {
                    JobId = state.JobId, JobName = state.Spec.Name, Outcome = finished.OutcomeName, Detail = finished.Detail,
                    RoundsCompleted = state.Rounds.Count, FinalWeights = state.Spec.Model is null ? null : state.GlobalWeights, CrossSite = state.CrossSite,
                    LabelCounts = state.Summary().LabelCounts, EndedAt = finished.At,
                });
                Publish(new JobClosed { JobId = state.JobId, Round = state.Round, Outcome = finished.OutcomeName, Participants = state.Participants });
                break;
        }
    }

    private void PublishStatusChanged(DateTimeOffset at) => Publish(new JobStatusChanged
    {
        JobId = state.JobId, JobName = state.Spec.Name, Status = state.Status, Detail = state.Detail ?? "", At = at,
    });

    /// <summary>(Re)sends the current phase's request to the sites and arms its deadline (and, while running, the liveness check).</summary>
    private void ResumePhase()
    {
        if (liveness is not null && !Timers.IsTimerActive(LivenessTimer)) Timers.StartPeriodicTimer(LivenessTimer, new CheckLiveness(), liveness.CheckEvery);
        PublishCurrentStep();
        var delay = state.Deadline - Now;
        Timers.StartSingleTimer(DeadlineTimer, new PhaseDeadline(state.Step), delay > TimeSpan.Zero ? delay : TimeSpan.Zero);
    }

    private void PublishCurrentStep()
    {
        stepPublishFailed = false;
        outageSinceRequest = false;
        if (state.Phase == JobPhase.Collecting && state.PendingBroadcast is { } step)
            PublishStep(step);
        else if (state.Phase == JobPhase.Collecting)
            PublishOut(state.Kind.CollectionRequest(state, ledgerHead));
        else
            PublishOut(state.CurrentStep!.Request(state));
    }

    private void PublishStep(IRoundMessage step) => PublishOut(step);

    /// <summary>Publishes the current step's request to the job's sites and records the transfer to each site abroad.</summary>
    private void PublishOut(IRoundMessage message)
    {
        // A request that carries no data of the federation (a count's) is no transfer for the ledger.
        if (DataKinds.Of(message) is { } kind) transfers.Outbound(state, message, kind, Self);
        Publish(message, state.Step);
    }

    /// <param name="step">The step whose request this is (its deadline waits for the confirmation); -1 for notices.</param>
    private void Publish<T>(T message, int step = -1) where T : class =>
        FederationTracing.WithCurrent(roundSpan, () => publisher.Publish(message))
            .PipeTo(Self, success: () => new Published(step), failure: ex => new PublishFailed(message.GetType().Name, ex, step));
}
