using Akka;
using Akka.Actor;
using Akka.Event;
using Akka.Persistence;
using FedHealth.Contracts;
using FedHealth.Coordinator.Bus;
using static FedHealth.Coordinator.Jobs.JobProtocol;

namespace FedHealth.Coordinator.Jobs;

/// <summary>
/// One federated job, event-sourced: it persists what <see cref="JobState"/> decides, applies it, and only then
/// talks to the sites. After a restart it replays its journal and resumes the phase it was in.
/// </summary>
public sealed class JobActor : ReceivePersistentActor, IWithTimers
{
    private const string DeadlineTimer = "deadline";
    private readonly JobState state;
    private readonly IFederationPublisher publisher;
    private readonly TimeProvider clock;
    private readonly ILoggingAdapter log = Context.GetLogger();

    public static Props Props(Guid jobId, IFederationPublisher publisher, TimeProvider clock, SecureAggregationKeys? keys = null) =>
        Akka.Actor.Props.Create(() => new JobActor(jobId, publisher, clock, keys));

    public override string PersistenceId { get; }
    public ITimerScheduler Timers { get; set; } = null!;

    public JobActor(Guid jobId, IFederationPublisher publisher, TimeProvider clock, SecureAggregationKeys? keys)
    {
        state = new JobState(keys);
        PersistenceId = $"job-{jobId}";
        this.publisher = publisher;
        this.clock = clock;

        Recover<IJobEvent>(e => state.Apply(e));
        Recover<RecoveryCompleted>(_ =>
        {
            if (!state.IsRunning) return;
            log.Info("job {0} recovered in round {1} ({2}); resuming", jobId, state.Round, state.Phase);
            ResumePhase();
        });

        Command<StartJob>(start =>
        {
            if (state.Phase != JobPhase.New) { Sender.Tell(new JobRefused { Reason = $"job {jobId} already exists" }); return; }
            PersistDecided(JobState.Create(start.JobId, start.Spec, start.Participants, Now));
        });
        Command<UpdateSubmitted>(u => Handle(state.OnUpdate(u, Now), u.SiteId, u.Round, "update"));
        Command<RoundDeclined>(d => Handle(state.OnDecline(d, Now), d.SiteId, d.Round, "decline"));
        Command<EvaluationSubmitted>(e => Handle(state.OnEvaluation(e, Now), e.SiteId, e.Round, "evaluation"));
        Command<PhaseDeadline>(d => PersistDecided(state.OnDeadline(d.Step, Now)));
        Command<SealedUpdateSubmitted>(m => Handle(state.OnSealedUpdate(m, Now), m.SiteId, m.Round, "sealed update"));
        Command<MaskingKeysAdvertised>(m => Handle(state.OnSecureMessage(m, Now), m.SiteId, m.Round, "key advertisement"));
        Command<SharesSubmitted>(m => Handle(state.OnSecureMessage(m, Now), m.SiteId, m.Round, "shares"));
        Command<MaskedUpdateSubmitted>(m => Handle(state.OnSecureMessage(m, Now), m.SiteId, m.Round, "masked update"));
        Command<UnmaskingSharesSubmitted>(m => Handle(state.OnSecureMessage(m, Now), m.SiteId, m.Round, "unmasking shares"));
        Command<GetJobSummary>(_ => Sender.Tell(state.Summary()));
        Command<Done>(_ => { });
        Command<PublishFailed>(f => log.Warning(f.Cause, "job {0}: publishing {1} failed", jobId, f.What));
    }

    private DateTimeOffset Now => clock.GetUtcNow();

    private void Handle(JobDecision decision, string siteId, int round, string what)
    {
        if (decision.Note is { } note) log.Info("job {0}: {1}", state.JobId, note);
        if (decision.Refusal is { } reason)
        {
            log.Warning("job {0}: refused {1} from {2} for round {3}: {4}", state.JobId, what, siteId, round, reason);
            Publish(new UpdateRefused { JobId = state.JobId, Round = round, SiteId = siteId, Reason = reason });
            return;
        }
        PersistDecided(decision.Events);
    }

    private void PersistDecided(IReadOnlyList<IJobEvent> events)
    {
        if (events.Count == 0) return;
        PersistAll(events, e =>
        {
            state.Apply(e);
            AfterApplied(e);
        });
    }

    private void AfterApplied(IJobEvent e)
    {
        switch (e)
        {
            case RoundStartedEvent:
            case SecureStepClosed:
            case RoundAggregated:
                ResumePhase();
                break;
            case RoundClosed closed:
                log.Info("job {0}: round {1} closed, global AUC {2:F4}", state.JobId, closed.Summary.Round, closed.Summary.Global?.Auc);
                Publish(closed.Summary);
                break;
            case JobFinished finished:
                Timers.Cancel(DeadlineTimer);
                log.Info("job {0} {1}: {2}", state.JobId, finished.Outcome, finished.Detail);
                Publish(new JobEnded
                {
                    JobId = state.JobId, JobName = state.Spec.Name, Outcome = finished.Outcome, Detail = finished.Detail,
                    RoundsCompleted = state.Rounds.Count, FinalWeights = state.GlobalWeights, EndedAt = finished.At,
                });
                break;
        }
    }

    /// <summary>(Re)sends the current phase's request to the sites and arms its deadline.</summary>
    private void ResumePhase()
    {
        if (state.Phase == JobPhase.Training && state.PendingBroadcast is { } step)
            PublishStep(step);
        else if (state.Phase == JobPhase.Training)
            Publish(new RoundStarted
            {
                JobId = state.JobId, Round = state.Round, Schema = state.Spec.Schema, FeatureNames = state.Spec.FeatureNames,
                Model = state.Spec.Model, Training = state.Spec.Training, Privacy = state.Spec.Privacy, SiteLevelPrivacy = state.Spec.SiteLevelPrivacy, SecureRound = state.SecureSettings, Sealing = state.Sealing,
                Seed = state.Spec.Seed, GlobalWeights = state.GlobalWeights, Participants = state.Participants, Deadline = state.Deadline,
            });
        else
            Publish(new EvaluationRequested
            {
                JobId = state.JobId, Round = state.Round, Model = state.Spec.Model, GlobalWeights = state.GlobalWeights,
                Participants = state.Participants, Deadline = state.Deadline,
            });
        var delay = state.Deadline - Now;
        Timers.StartSingleTimer(DeadlineTimer, new PhaseDeadline(state.Step), delay > TimeSpan.Zero ? delay : TimeSpan.Zero);
    }

    private void PublishStep(IRoundMessage step)
    {
        switch (step)
        {
            case MaskingKeysCollected m: Publish(m); break;
            case SharesRelayed m: Publish(m); break;
            case UnmaskingRequested m: Publish(m); break;
            default: throw new InvalidOperationException($"unknown secure step message {step.GetType().Name}");
        }
    }

    private void Publish<T>(T message) where T : class =>
        publisher.Publish(message).PipeTo(Self, success: () => Done.Instance, failure: ex => new PublishFailed(typeof(T).Name, ex));
}
