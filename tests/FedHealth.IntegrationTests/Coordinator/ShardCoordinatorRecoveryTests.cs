using Akka.Actor;
using Akka.Cluster;
using FedHealth.Coordinator.Hosting;
using FedHealth.Coordinator.Jobs;
using FedHealth.Tests.Support;
using Microsoft.Data.Sqlite;
using Npgsql;
using static FedHealth.Coordinator.Jobs.JobProtocol;

namespace FedHealth.Tests.Coordinator;

/// <summary>
/// The shard coordinator journals where each job's shard lives, in the same journal as the jobs. A coordinator
/// restarted on that journal must read those events back whichever of its actors starts the journal first; when it
/// could not, it accepted no job and resumed none.
/// </summary>
public sealed class ShardCoordinatorRecoveryTests : IDisposable
{
    private readonly TempFolder temp = new();

    [Fact]
    public async Task Loading_every_extension_a_node_uses_adds_no_serializer_the_system_did_not_start_with()
    {
        var system = ActorSystem.Create(AkkaConfiguration.SystemName, AkkaConfiguration.For(Options()));
        try
        {
            foreach (var (name, load) in CoordinatorSystem.Extensions)
                Assert.True(CoordinatorSystem.SerializersAddedBy(system, load) is [],
                    $"loading {name} added serializers: its reference configuration is missing from AkkaConfiguration");
        }
        finally { await system.Terminate(); }
    }

    [Fact]
    public async Task A_node_restarted_on_a_SQLite_journal_reads_the_shard_coordinators_events_though_a_singleton_started_the_journal_first()
    {
        var options = Options();
        await ShardRestart.Run(options);
        SqliteConnection.ClearAllPools();
    }

    private CoordinatorOptions Options() => new() { DataDir = temp.Path, AkkaLogLevel = "WARNING" };

    public void Dispose() => temp.Dispose();
}

[Collection(PostgreSqlCollection.Name)]
public sealed class ShardCoordinatorRecoveryPostgreSqlTests(PostgreSqlServer server) : IDisposable
{
    private readonly TempFolder temp = new();

    [Fact]
    public async Task A_node_restarted_on_a_PostgreSQL_journal_reads_the_shard_coordinators_events_though_a_singleton_started_the_journal_first()
    {
        var options = new CoordinatorOptions
        {
            DataDir = temp.Path, AkkaLogLevel = "WARNING", Journal = CoordinatorOptions.PostgreSql, ConnectionString = server.NewDatabase(),
        };
        await ShardRestart.Run(options);
        NpgsqlConnection.ClearAllPools();
    }

    public void Dispose() => temp.Dispose();
}

/// <summary>
/// Two lives of one node on one journal. The first starts sharding before anything touches the journal, so the shard
/// coordinator's events are written with sharding's serializer. The second starts the journal first, as the ledger
/// or site-registry singleton does when the node is up before the job region starts (what a loaded machine did),
/// and must still have the job region answer.
/// </summary>
internal static class ShardRestart
{
    private static readonly TimeSpan Answer = TimeSpan.FromSeconds(30);

    public static async Task Run(CoordinatorOptions options)
    {
        var jobId = Guid.NewGuid();
        await Life(options, jobId, journalFirst: false);
        await Life(options, jobId, journalFirst: true);
    }

    private static async Task Life(CoordinatorOptions options, Guid jobId, bool journalFirst)
    {
        var system = ActorSystem.Create(AkkaConfiguration.SystemName, AkkaConfiguration.For(options));
        try
        {
            if (journalFirst) await system.ActorOf(Props.Create(() => new WritesFirst())).Ask<string>("write", Answer);
            var cluster = Cluster.Get(system);
            cluster.Join(cluster.SelfAddress);
            var region = await JobRegion.Start(system, id => Props.Create(() => new NamesItsJob(id)));
            var answer = await region.Ask<Guid>(new GetJobSummary(jobId), Answer);
            Assert.Equal(jobId, answer);
        }
        finally
        {
            await CoordinatedShutdown.Get(system).Run(CoordinatedShutdown.ClrExitReason.Instance);
        }
    }

    /// <summary>A persistent actor that has the journal write an event, as the ledger singleton does when it starts first.</summary>
    private sealed class WritesFirst : Akka.Persistence.ReceivePersistentActor
    {
        public override string PersistenceId => "writes-first";

        public WritesFirst()
        {
            Recover<string>(_ => { });
            Command<string>(_ => Persist("written", e => Sender.Tell(e)));
        }
    }

    /// <summary>A job entity that answers with its id: what is under test is the region and its coordinator, not the job.</summary>
    private sealed class NamesItsJob : ReceiveActor
    {
        public NamesItsJob(Guid id) => ReceiveAny(_ => Sender.Tell(id));
    }
}
