using FedHealth.Contracts;
using FedHealth.Coordinator.Jobs;
using FedHealth.Governance;
using FedHealth.Messaging;

namespace FedHealth.Tests.Messaging;

/// <summary>
/// Routing reads a message's own job and round, never a list of types: so a contract that names a job but does not say
/// so (a new kind's message) is caught here, not by a job that never hears it.
/// </summary>
public sealed class JobRoutingTests
{
    private static readonly IReadOnlyList<Type> Contracts =
        typeof(IJobMessage).Assembly.GetTypes().Where(t => t is { IsClass: true, IsAbstract: false, IsPublic: true }).ToList();

    [Fact]
    public void Every_contract_that_names_a_job_is_a_job_message_and_every_site_message_with_a_round_is_a_site_round_message()
    {
        // What reaches a job or a site's job state; the coordinator's answers and events to dashboards are routed to no job.
        var namesJob = Contracts.Where(t => t.GetProperty("JobId")?.PropertyType == typeof(Guid) && MessageAuthority.RoleOf(t) is not null
                                            && !typeof(ICoordinatorMessage).IsAssignableFrom(t)).ToList();
        Assert.NotEmpty(namesJob);
        Assert.All(namesJob, t => Assert.True(typeof(IJobMessage).IsAssignableFrom(t), $"{t.Name} names a job but is not an IJobMessage"));
        var siteWithRound = Contracts.Where(t => typeof(ISiteMessage).IsAssignableFrom(t) && t.GetProperty("Round") is not null).ToList();
        Assert.All(siteWithRound, t =>
            Assert.True(typeof(ISiteRoundMessage).IsAssignableFrom(t), $"{t.Name} is a site's message for a round but not an ISiteRoundMessage"));
        Assert.True(typeof(ISiteRoundMessage).IsAssignableFrom(typeof(SiteChunk)));
    }

    [Fact]
    public void The_coordinators_sharding_routes_every_job_message_by_its_own_job()
    {
        var job = Guid.NewGuid();
        var extractor = new JobMessageExtractor();
        Assert.Equal(job.ToString(), extractor.EntityId(new RoundDeclined { JobId = job, Round = 2, SiteId = "DE-GBSG", Reason = "test" }));
        Assert.Equal(job.ToString(), extractor.EntityId(new JobProtocol.GetJobSummary(job)));
        Assert.Equal(job.ToString(), extractor.EntityId(new SiteChunk
        {
            SiteId = "DE-GBSG",
            Slice = new ChunkSlice
            {
                MessageType = nameof(UpdateSubmitted), JobId = job, Round = 1, TransferId = Guid.NewGuid(), Index = 0, Count = 1,
                Offset = 0, TotalBytes = 0, Sha256 = "", ChunkSha256 = "", Data = []
            },
        }));
        Assert.Throws<ArgumentException>(() => extractor.EntityId(new GetFederationStatus()));
    }

    [Fact]
    public void One_map_names_what_each_message_carries_in_both_directions_and_control_messages_carry_nothing()
    {
        Assert.Equal(DataKinds.ModelUpdate, DataKinds.Of(Sample<UpdateSubmitted>()));
        Assert.Equal(DataKinds.ModelUpdate, DataKinds.Of(Sample<SealedUpdateSubmitted>()));
        Assert.Equal(DataKinds.MaskedModelUpdate, DataKinds.Of(Sample<MaskedUpdateSubmitted>()));
        Assert.Equal(DataKinds.KeyExchange, DataKinds.Of(Sample<MaskingKeysAdvertised>()));
        Assert.Equal(DataKinds.KeyExchange, DataKinds.Of(Sample<MaskingKeysCollected>()));
        Assert.Equal(DataKinds.AggregateMetrics, DataKinds.Of(Sample<EvaluationSubmitted>()));
        Assert.Equal(DataKinds.GlobalModel, DataKinds.Of(Sample<RoundStarted>()));
        Assert.Null(DataKinds.Of(Sample<RoundDeclined>()));
        Assert.Null(DataKinds.Of(Sample<SiteHeartbeat>()));
        // Every site message that is not a decline, a slice or a heartbeat carries data the site's policy must allow.
        var carrying = Contracts.Where(t => typeof(ISiteRoundMessage).IsAssignableFrom(t) && t != typeof(RoundDeclined) && t != typeof(SiteChunk));
        Assert.All(carrying, t => Assert.Contains(DataKinds.Of(Sample(t)), DataKinds.FromSites));
    }

    [Fact]
    public void Every_interface_of_the_contracts_is_kept_out_of_the_publish_topology()
    {
        var interfaces = typeof(IJobMessage).Assembly.GetTypes().Where(t => t.IsInterface && t.IsPublic);
        Assert.Equal(interfaces.OrderBy(t => t.Name), FederationBus.MarkerInterfaces.OrderBy(t => t.Name));
        Assert.Contains(typeof(ISiteRoundMessage), FederationBus.MarkerInterfaces);
    }

    private static T Sample<T>() => (T)Sample(typeof(T));

    /// <summary>An instance with every property at its default, enough for a map that looks at the type (and a null personal model).</summary>
    private static object Sample(Type type) => System.Runtime.CompilerServices.RuntimeHelpers.GetUninitializedObject(type);
}
