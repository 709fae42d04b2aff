using Akka.Actor;
using Akka.Serialization;
using FedHealth.Contracts;
using FedHealth.Coordinator.Hosting;
using FedHealth.Coordinator.Sites;
using FedHealth.Tests.Support;
using static FedHealth.Coordinator.Jobs.JobProtocol;
using static FedHealth.Tests.Coordinator.JobFixtures;

namespace FedHealth.Tests.Coordinator;

/// <summary>What one coordinator node sends another must arrive whole: every property, default-valued or not.</summary>
public sealed class WireSerializerTests : IAsyncLifetime
{
    private readonly TempFolder temp = new();
    private ActorSystem system = null!;

    [Fact]
    public void A_job_started_on_another_node_keeps_a_false_flag_whose_initializer_is_true()
    {
        var start = new StartJob(Guid.NewGuid(), Spec(rounds: 2, minSites: 1) with { SecureAggregation = false }, ["A", "B"]);
        var back = RoundTrip(start);
        Assert.False(back.Spec.SecureAggregation);
        Assert.Equal(start.Participants, back.Participants);
        Assert.Equal(start.Spec.RoundDeadline, back.Spec.RoundDeadline);
    }

    [Fact]
    public void Site_messages_registry_answers_and_acknowledgements_use_the_wire_serializer()
    {
        var update = Update(Guid.NewGuid(), 3, "A", [1, 2, 3], 10);
        var back = RoundTrip(update);
        Assert.Equal(update.Weights.Tensors[0].Data, back.Weights.Tensors[0].Data);
        Assert.Equal("too late", RoundTrip(new Handled("update", "too late")).Refusal);
        var seen = new SiteRegistry.LastSeen(new Dictionary<string, DateTimeOffset> { ["A"] = DateTimeOffset.UnixEpoch }, DateTimeOffset.UnixEpoch.AddHours(1));
        Assert.Equal(DateTimeOffset.UnixEpoch.AddHours(1), RoundTrip(seen).For("B"));
    }

    [Fact]
    public void A_leads_stop_and_resume_and_their_answers_cross_nodes_whole()
    {
        var job = Guid.NewGuid();
        Assert.Equal(new StopJob { JobId = job, RequestedBy = "alice", Reason = "audit", RequestId = job },
            RoundTrip(new StopJob { JobId = job, RequestedBy = "alice", Reason = "audit", RequestId = job }));
        Assert.Equal(new ResumeJob { JobId = job, RequestedBy = "bob", RequestId = job },
            RoundTrip(new ResumeJob { JobId = job, RequestedBy = "bob", RequestId = job }));
        Assert.Equal(new JobControlAccepted { JobId = job, Status = "paused" }, RoundTrip(new JobControlAccepted { JobId = job, Status = "paused" }));
        Assert.Equal(new JobControlRefused { JobId = job, Reason = "no job" }, RoundTrip(new JobControlRefused { JobId = job, Reason = "no job" }));
    }

    [Fact]
    public void An_unknown_manifest_is_refused_by_name()
    {
        var serializer = new WireSerializer((ExtendedActorSystem)system);
        var e = Assert.Throws<System.Runtime.Serialization.SerializationException>(() => serializer.FromBinary("{}"u8.ToArray(), "Evil.Type"));
        Assert.Contains("Evil.Type", e.Message);
    }

    private T RoundTrip<T>(T message) where T : class
    {
        var serializer = system.Serialization.FindSerializerFor(message);
        Assert.IsType<WireSerializer>(serializer);
        var manifest = Akka.Serialization.Serialization.ManifestFor(serializer, message);
        return Assert.IsType<T>(system.Serialization.Deserialize(serializer.ToBinary(message), serializer.Identifier, manifest));
    }

    public Task InitializeAsync()
    {
        system = ActorSystem.Create(AkkaConfiguration.SystemName,
            AkkaConfiguration.For(new CoordinatorOptions { DataDir = temp.Path, AkkaLogLevel = "WARNING" }));
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await system.Terminate();
        temp.Dispose();
    }
}
