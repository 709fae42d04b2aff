using Akka.Actor;
using FedHealth.Contracts;
using FedHealth.Coordinator.Hosting;
using FedHealth.Coordinator.Jobs;
using FedHealth.Coordinator.Sites;
using FedHealth.Tests.Support;
using static FedHealth.Tests.Coordinator.JobFixtures;

namespace FedHealth.Tests.Coordinator;

/// <summary>Training sites are waited for; gone sites are not.</summary>
public sealed class LivenessTests : IAsyncLifetime
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 24, 10, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan OfflineAfter = TimeSpan.FromSeconds(30);
    private readonly Guid job = Guid.NewGuid();
    private readonly JobState state = new();
    private readonly TempFolder temp = new();
    private ActorSystem? system;

    public LivenessTests()
    {
        foreach (var e in JobState.Create(job, Spec(rounds: 1, minSites: 2, deadline: TimeSpan.FromMinutes(10)), ["A", "B", "C"], T0)) state.Apply(e);
        foreach (var site in new[] { "A", "B" })
            foreach (var e in state.OnUpdate(Update(job, 1, site, [1, 1, 1], 10), T0).Events) state.Apply(e);
    }

    [Fact]
    public void A_site_still_sending_heartbeats_is_waited_for_until_the_deadline()
    {
        var seen = new Dictionary<string, DateTimeOffset> { ["A"] = T0, ["B"] = T0, ["C"] = T0.AddMinutes(2) };
        Assert.Empty(state.OnLiveness(seen, OfflineAfter, T0.AddMinutes(2).AddSeconds(5)));
    }

    [Fact]
    public void When_every_site_still_awaited_has_gone_silent_the_round_goes_on_without_it()
    {
        var seen = new Dictionary<string, DateTimeOffset> { ["A"] = T0, ["B"] = T0, ["C"] = T0 };
        var events = state.OnLiveness(seen, OfflineAfter, T0.AddMinutes(1));
        Assert.IsType<SitesGone>(events[0]);
        var aggregated = Assert.IsType<RoundAggregated>(events[1]);
        Assert.Equal(["A", "B"], aggregated.Contributors);
        Assert.StartsWith("gone: no heartbeat since", Assert.Single(aggregated.LeftOut).Reason);
    }

    [Fact]
    public void Without_the_quorum_a_silent_site_is_still_waited_for()
    {
        var thin = new JobState();
        foreach (var e in JobState.Create(job, Spec(rounds: 1, minSites: 3), ["A", "B", "C"], T0)) thin.Apply(e);
        foreach (var e in thin.OnUpdate(Update(job, 1, "A", [1, 1, 1], 10), T0).Events) thin.Apply(e);
        Assert.Empty(thin.OnLiveness(new Dictionary<string, DateTimeOffset> { ["A"] = T0 }, OfflineAfter, T0.AddMinutes(5)));
    }

    [Fact]
    public void An_evaluation_waits_for_sites_still_sending_heartbeats_and_goes_on_without_gone_ones()
    {
        var at = T0.AddMinutes(1);
        foreach (var e in state.OnLiveness(new Dictionary<string, DateTimeOffset> { ["A"] = at, ["B"] = at, ["C"] = T0 }, OfflineAfter, at)) state.Apply(e);
        Assert.Equal("evaluating", state.Status);
        var later = at.AddSeconds(20);
        var seen = new Dictionary<string, DateTimeOffset> { ["A"] = later, ["B"] = later, ["C"] = T0 };
        Assert.Empty(state.OnLiveness(seen, OfflineAfter, later.AddSeconds(5)));
        foreach (var site in new[] { "A", "B" })
            foreach (var e in state.OnAnswer(GoodEvaluation(job, 1, site), later).Events) state.Apply(e);
        var events = state.OnLiveness(seen, OfflineAfter, later.AddSeconds(5));
        Assert.Equal(["C"], Assert.IsType<SitesGone>(events[0]).LastSeen.Keys);
        Assert.Equal(["A", "B"], Assert.IsType<RoundClosed>(events[1]).Summary.Sites.Select(s => s.SiteId));
    }

    [Fact]
    public async Task A_job_actor_moves_on_when_a_participant_goes_silent_long_before_the_deadline()
    {
        // The registry stamps heartbeats and the job judges silence on the test's clock, which moves only when told:
        // who is silent does not depend on how fast the machine runs (on real time, A and B, whose heartbeats stopped
        // too, went silent during the evaluation and a check could close it before their evaluations were counted).
        // Only the period of the liveness check is real time; the ten-minute deadline never comes on this clock.
        var within = TimeSpan.FromSeconds(20);
        var clock = new ManualClock(T0);
        system = ActorSystem.Create(AkkaConfiguration.SystemName,
            AkkaConfiguration.For(new CoordinatorOptions { DataDir = temp.Path, AkkaLogLevel = "WARNING" }));
        var bus = new RecordingPublisher();
        var sites = system.ActorOf(SiteRegistry.Props(clock, TimeSpan.FromMinutes(1)));
        async Task Heartbeats(params string[] from)
        {
            foreach (var s in from) sites.Tell(Heartbeat(s));
            var seen = await sites.Ask<SiteRegistry.LastSeen>(new SiteRegistry.GetLastSeen(), within);
            foreach (var s in from) Assert.Equal(clock.GetUtcNow(), seen.Sites[s]);
        }
        // C sends one heartbeat and then nothing; A and B keep sending theirs, as live sites do.
        await Heartbeats("A", "B", "C");
        clock.Advance(TimeSpan.FromMilliseconds(600));
        await Heartbeats("A", "B");
        clock.Advance(TimeSpan.FromMilliseconds(600));
        // From here the clock stands still: C has been silent for longer than OfflineAfter, A and B have not.
        var liveness = new LivenessSettings(sites, OfflineAfter: TimeSpan.FromSeconds(1), CheckEvery: TimeSpan.FromMilliseconds(200));
        var id = Guid.NewGuid();
        var actor = system.ActorOf(JobActor.Props(id, bus, clock, liveness: liveness));
        actor.Tell(new JobProtocol.StartJob(id, Spec(rounds: 1, minSites: 2, deadline: TimeSpan.FromMinutes(10)), ["A", "B", "C"]));
        await bus.Next<RoundStarted>(within);
        foreach (var s in new[] { "A", "B" })
            Assert.Null((await actor.Ask<JobProtocol.Handled>(Update(id, 1, s, [1, 1, 1], 10), within)).Refusal);
        // Not at the deadline but at the next liveness check, the round goes on without C.
        var evaluation = await bus.Next<EvaluationRequested>(within);
        Assert.Equal(1, evaluation.Round);
        foreach (var s in new[] { "A", "B" })
            Assert.Null((await actor.Ask<JobProtocol.Handled>(GoodEvaluation(id, 1, s), within)).Refusal);
        var round = await bus.Next<RoundCompleted>(within);
        Assert.Equal(["A", "B"], round.Contributors);
        Assert.Equal($"gone: no heartbeat since {T0:u}", round.LeftOut.Single(l => l.SiteId == "C").Reason);
        Assert.Equal(["A", "B"], round.Sites.Select(s => s.SiteId));
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        if (system is not null) await system.Terminate();
        temp.Dispose();
    }
}
