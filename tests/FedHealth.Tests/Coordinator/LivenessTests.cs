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
    public async Task A_job_actor_moves_on_when_a_participant_goes_silent_long_before_the_deadline()
    {
        system = ActorSystem.Create(AkkaConfiguration.SystemName, AkkaConfiguration.For(new CoordinatorOptions { DataDir = temp.Path, AkkaLogLevel = "WARNING" }));
        var bus = new RecordingPublisher();
        var sites = system.ActorOf(SiteRegistry.Props(TimeProvider.System, TimeSpan.FromMinutes(1)));
        foreach (var s in new[] { "A", "B", "C" }) sites.Tell(Heartbeat(s));
        var liveness = new LivenessSettings(sites, TimeSpan.FromSeconds(1), TimeSpan.FromMilliseconds(200));
        var id = Guid.NewGuid();
        var actor = system.ActorOf(JobActor.Props(id, bus, TimeProvider.System, liveness: liveness));
        actor.Tell(new JobProtocol.StartJob(id, Spec(rounds: 1, minSites: 2, deadline: TimeSpan.FromMinutes(10)), ["A", "B", "C"]));
        await bus.Next<RoundStarted>();
        actor.Tell(Update(id, 1, "A", [1, 1, 1], 10));
        actor.Tell(Update(id, 1, "B", [1, 1, 1], 10));
        // C sent one heartbeat and then nothing: within seconds, not at the ten-minute deadline, the round goes on.
        await bus.Next<EvaluationRequested>(TimeSpan.FromSeconds(20));
        actor.Tell(GoodEvaluation(id, 1, "A"));
        actor.Tell(GoodEvaluation(id, 1, "B"));
        var round = await bus.Next<RoundCompleted>(TimeSpan.FromSeconds(20));
        Assert.Contains("gone", round.LeftOut.Single(l => l.SiteId == "C").Reason);
        Assert.Equal(2, round.Sites.Count);
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        if (system is not null) await system.Terminate();
        temp.Dispose();
    }
}
