using Akka.Actor;
using FedHealth.Contracts;
using FedHealth.Coordinator.Hosting;
using FedHealth.Coordinator.Jobs;
using FedHealth.Tests.Support;
using static FedHealth.Coordinator.Jobs.JobProtocol;
using static FedHealth.Tests.Coordinator.JobFixtures;

namespace FedHealth.Tests.Coordinator;

/// <summary>The job actor on a real SQLite journal, with the bus replaced by a recorder.</summary>
public sealed class JobActorTests : IAsyncLifetime
{
    private readonly TempFolder temp = new();
    private readonly RecordingPublisher bus = new();
    private readonly List<ActorSystem> systems = new();

    [Fact]
    public async Task A_round_with_a_late_site_completes_at_its_deadline_and_the_late_update_is_refused()
    {
        // The job's clock stands still until the test moves it; the deadline's timer is then delivered as the scheduler would.
        var job = Guid.NewGuid();
        var clock = new ManualClock(new DateTimeOffset(2026, 11, 24, 10, 0, 0, TimeSpan.Zero));
        var actor = NewSystem().ActorOf(JobActor.Props(job, bus, clock));
        actor.Tell(new StartJob(job, Spec(rounds: 1, minSites: 2, deadline: TimeSpan.FromMinutes(10)), ["A", "B", "LATE"]));
        var started = await bus.Next<RoundStarted>();
        Assert.Equal(["A", "B", "LATE"], started.Participants);

        await actor.Ask<Handled>(Update(job, 1, "A", [1, 1, 1], 10), TimeSpan.FromSeconds(10));
        await actor.Ask<Handled>(Update(job, 1, "B", [3, 3, 3], 30), TimeSpan.FromSeconds(10));
        // Before the deadline the round waits for LATE, a quorum or not.
        actor.Tell(new PhaseDeadline(Step: 1));
        Assert.Equal("training", (await actor.Ask<JobSummary>(new GetJobSummary(job), TimeSpan.FromSeconds(10))).Status);
        clock.Advance(TimeSpan.FromMinutes(10));
        actor.Tell(new PhaseDeadline(Step: 1));
        var evaluation = await bus.Next<EvaluationRequested>(TimeSpan.FromSeconds(20));

        actor.Tell(Update(job, 1, "LATE", [9, 9, 9], 10));
        var refused = await bus.Next<UpdateRefused>();
        Assert.Equal("LATE", refused.SiteId);
        Assert.Contains("too late", refused.Reason);

        foreach (var site in new[] { "A", "B", "LATE" }) actor.Tell(GoodEvaluation(job, 1, site));
        var round = await bus.Next<RoundCompleted>();
        Assert.Equal(["A", "B"], round.Contributors);
        var leftOut = Assert.Single(round.LeftOut);
        Assert.Equal("LATE", leftOut.SiteId);
        Assert.Contains("late", leftOut.Reason);
        Assert.Equal(3, round.Sites.Count);
        var ended = await bus.Next<JobEnded>();
        Assert.Equal("completed", ended.Outcome);
        // The sites hear it too, without the model, so they can let go of what they kept for the job.
        var closed = await bus.Next<JobClosed>();
        Assert.Equal((job, 1, "completed"), (closed.JobId, closed.Round, closed.Outcome));
        Assert.Equal(["A", "B", "LATE"], closed.Participants);
        // (1*10 + 3*30) / 40 = 2.5: the late update did not count
        Assert.All(FedHealth.Learning.Models.FlatParameters.FromWeights(Layout, evaluation.GlobalWeights).Values, v => Assert.Equal(2.5f, v, 5));
    }

    [Fact]
    public async Task A_job_resumes_from_its_journal_after_the_coordinator_restarts_and_counts_each_update_once()
    {
        var job = Guid.NewGuid();
        var first = NewSystem();
        var actor = first.ActorOf(JobActor.Props(job, bus, TimeProvider.System));
        actor.Tell(new StartJob(job, Spec(rounds: 1, minSites: 3), ["A", "B", "C"]));
        await bus.Next<RoundStarted>();
        actor.Tell(Update(job, 1, "A", [1, 1, 1], 10));
        var before = await actor.Ask<JobSummary>(new GetJobSummary(job), TimeSpan.FromSeconds(10));
        Assert.Equal("training", before.Status);
        await first.Terminate();

        var second = NewSystem();
        var recovered = second.ActorOf(JobActor.Props(job, bus, TimeProvider.System));
        var resent = await bus.Next<RoundStarted>();
        Assert.Equal(1, resent.Round);
        recovered.Tell(Update(job, 1, "A", [100, 100, 100], 10)); // a site resending after the restart
        recovered.Tell(Update(job, 1, "B", [2, 2, 2], 10));
        recovered.Tell(Update(job, 1, "C", [3, 3, 3], 20));
        var evaluation = await bus.Next<EvaluationRequested>();
        // (1*10 + 2*10 + 3*20) / 40 = 2.25: A's first update survived the restart and its resend was ignored
        Assert.All(FedHealth.Learning.Models.FlatParameters.FromWeights(Layout, evaluation.GlobalWeights).Values, v => Assert.Equal(2.25f, v, 5));
    }

    [Fact]
    public async Task A_job_recovers_from_its_round_close_snapshot_and_the_events_after_it_and_completes_the_same()
    {
        var job = Guid.NewGuid();
        var first = NewSystem();
        var actor = first.ActorOf(JobActor.Props(job, bus, TimeProvider.System));
        actor.Tell(new StartJob(job, Spec(rounds: 3, minSites: 2), ["A", "B"]));
        await bus.Next<RoundStarted>();
        actor.Tell(Update(job, 1, "A", [1, 1, 1], 10));
        actor.Tell(Update(job, 1, "B", [3, 3, 3], 30));
        await bus.Next<EvaluationRequested>();
        foreach (var site in new[] { "A", "B" }) actor.Tell(GoodEvaluation(job, 1, site));
        Assert.Equal(2, (await bus.Next<RoundStarted>()).Round);
        actor.Tell(Update(job, 2, "A", [5, 5, 5], 10)); // after the snapshot: replayed as an event
        var connection = $"Data Source={Path.Combine(temp.Path, "journal.db")}";
        var saved = (await Eventually.Get(() =>
            Task.FromResult(JournalTable.Snapshots(CoordinatorOptions.Sqlite, connection, $"job-{job}") is { Count: 1 } s ? s : null),
            Within, "the snapshot at round 2's start")).Single();
        var before = await actor.Ask<JobSummary>(new GetJobSummary(job), Within);
        await first.Terminate();

        var recovered = NewSystem().ActorOf(JobActor.Props(job, bus, TimeProvider.System));
        var resent = await bus.Next<RoundStarted>();
        Assert.Equal((2, 1), (resent.Round, resent.Attempt));
        Assert.Equal(2.5f, FedHealth.Learning.Models.FlatParameters.FromWeights(Layout, resent.GlobalWeights).Values[0], 5);
        var after = await recovered.Ask<JobSummary>(new GetJobSummary(job), Within);
        Assert.Equal(System.Text.Json.JsonSerializer.Serialize(before, WireJson.Options), System.Text.Json.JsonSerializer.Serialize(after, WireJson.Options));
        recovered.Tell(Update(job, 2, "B", [1, 1, 1], 10));
        var evaluation = await bus.Next<EvaluationRequested>();
        // (5*10 + 1*10) / 20 = 3: A's update from before the restart came from the events after the snapshot
        Assert.All(FedHealth.Learning.Models.FlatParameters.FromWeights(Layout, evaluation.GlobalWeights).Values, v => Assert.Equal(3f, v, 5));
        Assert.True(saved.Sequence > 1, "the snapshot covers the events up to round 2's start");
    }

    /// <summary>A one-node cluster with a site registry, the job region and the job index, as a coordinator node has them.</summary>
    private async Task<(ActorSystem System, IActorRef Sites, IActorRef Region, IActorRef Index)> JobIndex(string? name = null,
        SecureAggregationKeys? keys = null)
    {
        var system = NewSystem();
        var cluster = Akka.Cluster.Cluster.Get(system);
        cluster.Join(cluster.SelfAddress);
        var sites = system.ActorOf(FedHealth.Coordinator.Sites.SiteRegistry.Props(TimeProvider.System, TimeSpan.FromMinutes(1)));
        var region = await JobRegion.Start(system, id => JobActor.Props(id, bus, TimeProvider.System));
        return (system, sites, region, system.ActorOf(FedHealth.Coordinator.Jobs.JobIndex.Props(region, sites, TimeProvider.System, keys), name));
    }

    [Fact]
    public async Task A_create_request_off_the_bus_with_nulls_where_its_type_has_none_is_refused_by_field_and_the_index_keeps_answering()
    {
        using var coordinatorKey = FedHealth.Privacy.Crypto.KeyAgreement.NewKey();
        var trust = TestTrust.Of(FedHealth.Privacy.Crypto.KeyAgreement.PublicKey(coordinatorKey), new Dictionary<string, byte[]>());
        var (_, _, _, index) = await JobIndex(keys: new SecureAggregationKeys(trust, coordinatorKey));
        var noSites = await index.Ask<object>(new CreateJob { Spec = Spec() with { Sites = null!, SecureAggregation = true }, RequestId = Guid.NewGuid() },
            TimeSpan.FromSeconds(10));
        Assert.Contains("sites: must be a list", Assert.IsType<JobRefused>(noSites).Reason);
        var noSpec = await index.Ask<object>(new CreateJob { Spec = null!, RequestId = Guid.NewGuid() }, TimeSpan.FromSeconds(10));
        Assert.Equal("spec: missing", Assert.IsType<JobRefused>(noSpec).Reason);
        Assert.Empty((await index.Ask<FederationStatus>(new GetFederationStatus(), TimeSpan.FromSeconds(10))).Jobs);
    }

    [Fact]
    public async Task The_job_manager_refuses_a_job_when_too_few_sites_are_online_and_accepts_it_once_they_are()
    {
        var (_, sites, _, manager) = await JobIndex();
        sites.Tell(Heartbeat("A"));
        var request = Guid.NewGuid();
        var refused = await manager.Ask<object>(new CreateJob { Spec = Spec(minSites: 2), RequestId = request }, TimeSpan.FromSeconds(10));
        Assert.Contains("needs 2 sites, 1 are online", Assert.IsType<JobRefused>(refused).Reason);
        sites.Tell(Heartbeat("B"));
        // The same request once refused is judged afresh: it created nothing the first time.
        var accepted = Assert.IsType<JobAccepted>(
            await manager.Ask<object>(new CreateJob { Spec = Spec(minSites: 2), RequestId = request }, TimeSpan.FromSeconds(10)));
        Assert.Equal(["A", "B"], accepted.Participants);
        var status = await manager.Ask<FederationStatus>(new GetFederationStatus(), TimeSpan.FromSeconds(10));
        Assert.Equal(accepted.JobId, Assert.Single(status.Jobs).JobId);
        Assert.Equal(2, status.Sites.Count);
        var started = await bus.Next<RoundStarted>();
        Assert.Equal(accepted.JobId, started.JobId);
    }

    [Fact]
    public async Task A_create_request_carried_many_times_creates_one_job_even_across_a_restart_of_the_index()
    {
        var (system, sites, region, manager) = await JobIndex("index-1");
        sites.Tell(Heartbeat("A"));
        sites.Tell(Heartbeat("B"));
        var create = new CreateJob { Spec = Spec(minSites: 2), RequestId = Guid.NewGuid() };
        // Five deliveries of one request, four of them while the first is still being created (the broker redelivering,
        // a retry after a lost answer), then one more after the index restarted from its journal.
        var answers = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => manager.Ask<object>(create, TimeSpan.FromSeconds(10))));
        var jobId = Assert.IsType<JobAccepted>(answers[0]).JobId;
        Assert.All(answers, a => Assert.Equal(jobId, Assert.IsType<JobAccepted>(a).JobId));
        await manager.GracefulStop(TimeSpan.FromSeconds(10));
        var restarted = system.ActorOf(FedHealth.Coordinator.Jobs.JobIndex.Props(region, sites, TimeProvider.System), "index-2");
        Assert.Equal(jobId, Assert.IsType<JobAccepted>(await restarted.Ask<object>(create, TimeSpan.FromSeconds(10))).JobId);
        var status = await restarted.Ask<FederationStatus>(new GetFederationStatus(), TimeSpan.FromSeconds(10));
        Assert.Equal(jobId, Assert.Single(status.Jobs).JobId);

        var another = await restarted.Ask<object>(create with { RequestId = Guid.NewGuid() }, TimeSpan.FromSeconds(10));
        Assert.NotEqual(jobId, Assert.IsType<JobAccepted>(another).JobId);
        var unnamed = await restarted.Ask<object>(create with { RequestId = Guid.Empty }, TimeSpan.FromSeconds(10));
        Assert.StartsWith("requestId: missing", Assert.IsType<JobRefused>(unnamed).Reason);
    }

    [Fact]
    public async Task A_bus_outage_longer_than_the_deadline_does_not_burn_the_rounds_attempts()
    {
        var (job, actor, flaky, _, Move) = VirtualTimeJob();
        var deadline = TimeSpan.FromMilliseconds(500);
        flaky.Down = true;
        actor.Tell(new StartJob(job, Spec(rounds: 1, minSites: 2, deadline: deadline), ["A", "B"]));
        await flaky.Refused(1);
        await Move(TimeSpan.Zero);
        // Down for four times the deadline, the request refused again at every republish.
        var down = TimeSpan.Zero;
        for (var moves = 0; moves < 100 && (down < 4 * deadline || flaky.RefusedSoFar < 3); moves++, down += deadline) await Move(deadline);
        Assert.True(flaky.RefusedSoFar >= 3, $"the request was refused {flaky.RefusedSoFar} times in {down.TotalSeconds} s of outage");
        flaky.Down = false;
        for (var moves = 0; moves < 100 && !bus.Has<RoundStarted>(); moves++) await Move(deadline);
        // The round's first attempt is the one the sites hear: the outage did not spend it.
        var first = await bus.Next<RoundStarted>();
        Assert.Equal(1, first.Attempt);
        actor.Tell(Update(job, 1, "A", [1, 1, 1], 10));
        actor.Tell(Update(job, 1, "B", [3, 3, 3], 10));
        await bus.Next<EvaluationRequested>();
        Assert.Equal(1, (await actor.Ask<JobSummary>(new GetJobSummary(job), TimeSpan.FromSeconds(30))).Attempt);
    }

    [Fact]
    public async Task A_deadline_that_passes_while_the_bus_has_lost_its_broker_waits_and_the_sites_get_a_full_window_once_it_is_back()
    {
        var (job, actor, flaky, clock, Move) = VirtualTimeJob();
        actor.Tell(new StartJob(job, Spec(rounds: 1, minSites: 2, deadline: TimeSpan.FromMilliseconds(300)), ["A", "B"]));
        var first = await bus.Next<RoundStarted>();
        Assert.Equal(1, first.Attempt);
        await Move(TimeSpan.Zero);

        // The request went out; then the broker went away for an hour, far past the round's deadline.
        flaky.Down = true;
        clock.Advance(TimeSpan.FromHours(1));
        await Move(TimeSpan.FromMilliseconds(300));
        await flaky.Looked(up: false);
        flaky.Down = false;
        await Move(TimeSpan.FromSeconds(2));
        await flaky.Looked(up: true);
        // Answers sent during the outage may be lost: the same attempt's request goes out again once the bus is back.
        var again = await bus.Next<RoundStarted>();
        Assert.Equal((first.Round, first.Attempt), (again.Round, again.Attempt));

        var summary = await actor.Ask<JobSummary>(new GetJobSummary(job), TimeSpan.FromSeconds(10));
        Assert.Equal((1, 1, "training"), (summary.CurrentRound, summary.Attempt, summary.Status));
        actor.Tell(Update(job, 1, "A", [1, 1, 1], 10));
        actor.Tell(Update(job, 1, "B", [3, 3, 3], 10));
        await bus.Next<EvaluationRequested>();
        Assert.Equal(1, (await actor.Ask<JobSummary>(new GetJobSummary(job), TimeSpan.FromSeconds(10))).Attempt);
    }

    /// <summary>
    /// A job actor on virtual time, publishing through a bus that can lose its broker: the job's clock and the actor
    /// system's scheduler (its deadline and republish timers) move only when the test moves them, together, so an outage
    /// lasts as long as the test says however loaded the machine is. Each move waits until the actor has handled what it
    /// delivered (the actor's answer comes after the timer's message).
    /// </summary>
    private (Guid Job, IActorRef Actor, OutagePublisher Bus, ManualClock Clock, Func<TimeSpan, Task> Move) VirtualTimeJob()
    {
        var job = Guid.NewGuid();
        var clock = new ManualClock(new DateTimeOffset(2026, 11, 24, 10, 0, 0, TimeSpan.Zero));
        var system = NewSystem(virtualTime: true);
        var scheduler = (Akka.TestKit.TestScheduler)system.Scheduler;
        var flaky = new OutagePublisher(bus);
        var actor = system.ActorOf(JobActor.Props(job, flaky, clock));
        async Task Move(TimeSpan by)
        {
            clock.Advance(by);
            scheduler.Advance(by);
            await actor.Ask<JobSummary>(new GetJobSummary(job), TimeSpan.FromSeconds(30));
        }
        return (job, actor, flaky, clock, Move);
    }

    /// <summary>A bus that refuses every publish while <see cref="Down"/>, as MassTransit does while the broker is away.</summary>
    private sealed class OutagePublisher(RecordingPublisher inner) : FedHealth.Coordinator.Bus.IFederationPublisher
    {
        private readonly System.Threading.Channels.Channel<bool> refusals = System.Threading.Channels.Channel.CreateUnbounded<bool>();
        private readonly System.Threading.Channels.Channel<bool> looks = System.Threading.Channels.Channel.CreateUnbounded<bool>();
        public volatile bool Down;

        public bool IsUp
        {
            get
            {
                var up = !Down;
                looks.Writer.TryWrite(up);
                return up;
            }
        }

        /// <summary>Waits until the job has looked at the bus and found it <paramref name="up"/>.</summary>
        public async Task Looked(bool up)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            while (await looks.Reader.ReadAsync(timeout.Token) != up) { }
        }

        public Task Publish<T>(T message) where T : class
        {
            if (!Down) return inner.Publish(message);
            Interlocked.Increment(ref refused);
            refusals.Writer.TryWrite(true);
            return Task.FromException(new InvalidOperationException("broker unreachable"));
        }

        private int refused;

        /// <summary>How many publishes were refused so far.</summary>
        public int RefusedSoFar => Volatile.Read(ref refused);

        public async Task Refused(int count)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            for (var i = 0; i < count; i++) await refusals.Reader.ReadAsync(timeout.Token);
        }
    }

    [Fact]
    public async Task Every_site_message_is_answered_once_journaled_or_refused_so_the_bus_can_acknowledge_it()
    {
        var job = Guid.NewGuid();
        var actor = NewSystem().ActorOf(JobActor.Props(job, bus, TimeProvider.System));
        var unknown = await actor.Ask<Handled>(Update(job, 1, "A", [1, 1, 1], 10), TimeSpan.FromSeconds(10));
        Assert.Equal($"no job {job} at this coordinator", unknown.Refusal);
        actor = NewSystem().ActorOf(JobActor.Props(job, bus, TimeProvider.System));
        actor.Tell(new StartJob(job, Spec(rounds: 1, minSites: 2), ["A", "B"]));
        await bus.Next<RoundStarted>();
        Assert.Null((await actor.Ask<Handled>(Update(job, 1, "A", [1, 1, 1], 10), TimeSpan.FromSeconds(10))).Refusal);
        // A redelivery after a fail-over is acknowledged too, and not counted again.
        Assert.Null((await actor.Ask<Handled>(Update(job, 1, "A", [1, 1, 1], 10), TimeSpan.FromSeconds(10))).Refusal);
        Assert.Contains("not a participant", (await actor.Ask<Handled>(Update(job, 1, "Z", [1, 1, 1], 10), TimeSpan.FromSeconds(10))).Refusal);
        var summary = await actor.Ask<JobSummary>(new GetJobSummary(job), TimeSpan.FromSeconds(10));
        Assert.Equal("training", summary.Status);
    }

    [Fact]
    public async Task A_lead_can_pause_a_job_in_training_and_in_evaluation_and_after_resuming_it_finishes_every_round()
    {
        var job = Guid.NewGuid();
        var actor = NewSystem().ActorOf(JobActor.Props(job, bus, TimeProvider.System));
        actor.Tell(new StartJob(job, Spec(rounds: 2, minSites: 2), ["A", "B"]));
        await bus.Next<RoundStarted>();
        Assert.Null((await actor.Ask<Handled>(Update(job, 1, "A", [1, 1, 1], 10), Within)).Refusal);

        Assert.Equal("paused", Assert.IsType<JobControlAccepted>(
            await Control(actor, new StopJob { RequestId = Guid.NewGuid(), JobId = job, RequestedBy = "alice", Reason = "audit" })).Status);
        var paused = await bus.Next<JobStatusChanged>();
        Assert.Equal(("paused", "paused by alice: audit", "test job"), (paused.Status, paused.Detail, paused.JobName));
        Assert.Contains("paused", (await actor.Ask<Handled>(Update(job, 1, "B", [3, 3, 3], 10), Within)).Refusal);
        Assert.Contains("already paused",
            Assert.IsType<JobControlRefused>(await Control(actor, new StopJob { RequestId = Guid.NewGuid(), JobId = job, RequestedBy = "bob" })).Reason);
        actor.Tell(new StartJob(job, Spec(rounds: 2, minSites: 2), ["A", "B"])); // the job index's periodic wake
        Assert.Equal("paused", (await actor.Ask<JobSummary>(new GetJobSummary(job), Within)).Status);

        Assert.Equal("training",
            Assert.IsType<JobControlAccepted>(await Control(actor, new ResumeJob { RequestId = Guid.NewGuid(), JobId = job, RequestedBy = "bob" })).Status);
        Assert.Equal("training", (await bus.Next<JobStatusChanged>()).Status);
        var restarted = await bus.Next<RoundStarted>();
        Assert.Equal((1, 2), (restarted.Round, restarted.Attempt));
        actor.Tell(Update(job, 1, "B", [3, 3, 3], 10));
        var evaluation = await bus.Next<EvaluationRequested>();

        Assert.IsType<JobControlAccepted>(await Control(actor, new StopJob { RequestId = Guid.NewGuid(), JobId = job, RequestedBy = "alice" }));
        Assert.Equal("evaluating",
            Assert.IsType<JobControlAccepted>(await Control(actor, new ResumeJob { RequestId = Guid.NewGuid(), JobId = job, RequestedBy = "alice" })).Status);
        var reopened = await bus.Next<EvaluationRequested>();
        Assert.Equal(evaluation.Round, reopened.Round);
        Assert.True(reopened.Deadline > evaluation.Deadline, "the evaluation has a new deadline");
        Assert.Equal(evaluation.GlobalWeights.Tensors[0].Data, reopened.GlobalWeights.Tensors[0].Data);

        foreach (var site in new[] { "A", "B" }) actor.Tell(GoodEvaluation(job, 1, site));
        await bus.Next<RoundStarted>(where: r => r.Round == 2);
        foreach (var site in new[] { "A", "B" }) actor.Tell(Update(job, 2, site, [1, 1, 1], 10));
        await bus.Next<EvaluationRequested>(where: r => r.Round == 2);
        foreach (var site in new[] { "A", "B" }) actor.Tell(GoodEvaluation(job, 2, site));
        var ended = await bus.Next<JobEnded>();
        Assert.Equal(("completed", 2), (ended.Outcome, ended.RoundsCompleted));
        Assert.Contains("already ended (completed",
            Assert.IsType<JobControlRefused>(await Control(actor, new ResumeJob { RequestId = Guid.NewGuid(), JobId = job, RequestedBy = "bob" })).Reason);
    }

    [Fact]
    public async Task A_paused_job_stays_paused_after_the_coordinator_restarts_and_can_be_resumed()
    {
        var job = Guid.NewGuid();
        var first = NewSystem();
        var actor = first.ActorOf(JobActor.Props(job, bus, TimeProvider.System));
        actor.Tell(new StartJob(job, Spec(rounds: 1, minSites: 2), ["A", "B"]));
        await bus.Next<RoundStarted>();
        Assert.IsType<JobControlAccepted>(await Control(actor, new StopJob { RequestId = Guid.NewGuid(), JobId = job, RequestedBy = "alice" }));
        await first.Terminate();

        var recovered = NewSystem().ActorOf(JobActor.Props(job, bus, TimeProvider.System));
        Assert.Equal("paused", (await recovered.Ask<JobSummary>(new GetJobSummary(job), Within)).Status);
        Assert.IsType<JobControlAccepted>(await Control(recovered, new ResumeJob { RequestId = Guid.NewGuid(), JobId = job, RequestedBy = "alice" }));
        Assert.Equal(2, (await bus.Next<RoundStarted>()).Attempt);
    }

    [Fact]
    public async Task A_stop_carried_again_after_a_resume_and_a_restart_changes_nothing()
    {
        var job = Guid.NewGuid();
        var first = NewSystem();
        var actor = first.ActorOf(JobActor.Props(job, bus, TimeProvider.System));
        actor.Tell(new StartJob(job, Spec(rounds: 1, minSites: 2), ["A", "B"]));
        await bus.Next<RoundStarted>();
        var stop = new StopJob { RequestId = Guid.NewGuid(), JobId = job, RequestedBy = "alice" };
        var resume = new ResumeJob { RequestId = Guid.NewGuid(), JobId = job, RequestedBy = "alice" };
        Assert.Equal("paused", Assert.IsType<JobControlAccepted>(await Control(actor, stop)).Status);
        Assert.Equal("paused", Assert.IsType<JobControlAccepted>(await Control(actor, stop)).Status);
        Assert.Equal("training", Assert.IsType<JobControlAccepted>(await Control(actor, resume)).Status);
        await first.Terminate();

        // Redelivered (or replayed) after the resume, on a coordinator that restarted from its journal: answered, ignored.
        var recovered = NewSystem().ActorOf(JobActor.Props(job, bus, TimeProvider.System));
        Assert.Equal("training", Assert.IsType<JobControlAccepted>(await Control(recovered, stop)).Status);
        Assert.Equal("training", Assert.IsType<JobControlAccepted>(await Control(recovered, resume)).Status);
        Assert.Equal("training", (await recovered.Ask<JobSummary>(new GetJobSummary(job), Within)).Status);
    }

    [Fact]
    public async Task Stopping_a_job_nobody_started_is_refused_as_no_such_job()
    {
        var job = Guid.NewGuid();
        var actor = NewSystem().ActorOf(JobActor.Props(job, bus, TimeProvider.System));
        var refused = Assert.IsType<JobControlRefused>(await Control(actor, new StopJob { RequestId = Guid.NewGuid(), JobId = job, RequestedBy = "alice" }));
        Assert.Equal((job, $"no job {job}"), (refused.JobId, refused.Reason));
    }

    private static readonly TimeSpan Within = TimeSpan.FromSeconds(10);

    private static Task<object> Control(IActorRef job, object request) => job.Ask<object>(request, Within);

    /// <param name="virtualTime">Timers run on Akka's test scheduler, which moves only when the test advances it.</param>
    private ActorSystem NewSystem(bool virtualTime = false)
    {
        var options = new CoordinatorOptions { DataDir = temp.Path, AkkaLogLevel = "WARNING" };
        var config = AkkaConfiguration.For(options);
        if (virtualTime) config = Akka.Configuration.ConfigurationFactory.ParseString(
            @"akka.scheduler.implementation = ""Akka.TestKit.TestScheduler, Akka.TestKit""").WithFallback(config);
        var system = ActorSystem.Create(AkkaConfiguration.SystemName, config);
        systems.Add(system);
        return system;
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var s in systems) await s.Terminate();
        temp.Dispose();
    }
}
