using Akka.Actor;
using FedHealth.Contracts;
using FedHealth.Coordinator.Hosting;
using FedHealth.Coordinator.Jobs;
using FedHealth.Learning.Models;
using FedHealth.Tests.Support;
using Microsoft.Data.Sqlite;
using Npgsql;
using static FedHealth.Coordinator.Jobs.JobProtocol;
using static FedHealth.Tests.Coordinator.JobFixtures;

namespace FedHealth.Tests.Coordinator;

/// <summary>
/// A journal that stays the size of the model: once a round-close snapshot is stored the closed rounds' events (every
/// site's update, every checkpoint) are deleted, while the open round's acknowledged updates stay until their own round
/// is snapshotted, so a coordinator that dies between two acknowledged updates recovers both. On SQLite and PostgreSQL.
/// </summary>
public abstract class JournalPruningTests : IAsyncLifetime
{
    private static readonly ModelSpec Mlp = new() { Kind = "mlp", Features = 2, HiddenUnits = 5_000 };
    protected static readonly ParameterLayout MlpLayout = ParameterLayout.For(Mlp);
    private static readonly string[] Sites = ["A", "B", "C"];
    private static readonly TimeSpan Within = TimeSpan.FromSeconds(30);
    protected readonly TempFolder Temp = new();
    private readonly RecordingPublisher bus = new();
    private readonly List<ActorSystem> systems = new();

    protected abstract CoordinatorOptions Options { get; }

    [Fact]
    public async Task Closed_rounds_are_pruned_after_their_snapshot_and_two_acknowledged_updates_of_the_open_round_survive_a_crash()
    {
        var options = Options;
        JournalSpace.Prepare(options);
        var job = Guid.NewGuid();
        var actor = NewSystem(options).ActorOf(JobActor.Props(job, bus, TimeProvider.System, journal: new JobJournal(Space: new JournalSpace(options))));
        actor.Tell(new StartJob(job, Spec(rounds: 6, minSites: 3) with { Model = Mlp }, Sites));
        for (var round = 1; round <= 3; round++)
        {
            await bus.Next<RoundStarted>(where: r => r.Round == round);
            foreach (var site in Sites) await Acknowledged(actor, Update(job, round, site, round + 1));
            await bus.Next<EvaluationRequested>(where: r => r.Round == round);
            foreach (var site in Sites) await Acknowledged(actor, GoodEvaluation(job, round, site));
        }
        var opened = await bus.Next<RoundStarted>(where: r => r.Round == 4);

        // Round 4 opened: its snapshot is stored and everything before it pruned.
        var connection = options.JournalConnectionString();
        var id = $"job-{job}";
        // (No event is journaled after round 4's start until an update comes, so an empty journal means that snapshot's pruning ran.)
        var snapshot = (await Eventually.Get(() => Task.FromResult(JournalTable.Snapshots(options.Journal, connection, id) is { Count: 1 } s
            && JournalTable.Read(options.Journal, connection, id).Count == 0 ? s : null), Within, "round 4's snapshot and the pruning before it")).Single();

        // Two sites' round-4 updates are acknowledged (journaled), then the coordinator dies.
        await Acknowledged(actor, Update(job, 4, "A", 10));
        await Acknowledged(actor, Update(job, 4, "B", 20));
        Assert.Equal(["A", "B"], JournalTable.JobEvents(options.Journal, connection, job).OfType<UpdateReceived>().Select(u => u.SiteId));
        await systems[^1].Terminate();

        var recovered = NewSystem(options).ActorOf(JobActor.Props(job, bus, TimeProvider.System, journal: new JobJournal(Space: new JournalSpace(options))));
        var resent = await bus.Next<RoundStarted>(where: r => r.Round == 4);
        Assert.Equal(FlatParameters.FromWeights(MlpLayout, opened.GlobalWeights).Values, FlatParameters.FromWeights(MlpLayout, resent.GlobalWeights).Values);
        await Acknowledged(recovered, Update(job, 4, "A", 99)); // a resend after the crash: already counted, ignored
        await Acknowledged(recovered, Update(job, 4, "C", 30));
        var evaluation = await bus.Next<EvaluationRequested>(where: r => r.Round == 4);
        // (10 + 20 + 30) / 3: both updates acknowledged before the crash are in, each once.
        Assert.All(FlatParameters.FromWeights(MlpLayout, evaluation.GlobalWeights).Values, v => Assert.Equal(20f, v, 4));

        // The summary kept every closed round (from the snapshot) though their events are gone.
        var summary = await recovered.Ask<JobSummary>(new GetJobSummary(job), Within);
        Assert.Equal([1, 2, 3], summary.Rounds.Select(r => r.Round));
        Assert.True(snapshot.Bytes < 4 * MlpLayout.TotalCount * 4, $"the snapshot ({snapshot.Bytes} bytes) holds a few models, not the job's history");
        await AssertSpaceGivenBack(options);
    }

    protected abstract Task AssertSpaceGivenBack(CoordinatorOptions options);

    private static async Task Acknowledged(IActorRef job, object message)
    {
        var handled = await job.Ask<Handled>(message, Within);
        Assert.Null(handled.Refusal);
    }

    private static UpdateSubmitted Update(Guid job, int round, string site, float value) => new()
    {
        JobId = job, Round = round, SiteId = site, SampleCount = 10,
        Weights = new FlatParameters(MlpLayout, Enumerable.Repeat(value, MlpLayout.TotalCount).ToArray()).ToWeights(),
        TrainLoss = 0.5, Device = "cpu", TrainSeconds = 0.01,
    };

    private ActorSystem NewSystem(CoordinatorOptions options)
    {
        var system = ActorSystem.Create(AkkaConfiguration.SystemName, AkkaConfiguration.For(options));
        systems.Add(system);
        return system;
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public virtual async Task DisposeAsync()
    {
        foreach (var s in systems) await s.Terminate();
        SqliteConnection.ClearAllPools();
        NpgsqlConnection.ClearAllPools();
        Temp.Dispose();
    }
}

public sealed class SqliteJournalPruningTests : JournalPruningTests
{
    protected override CoordinatorOptions Options => new() { DataDir = Temp.Path, AkkaLogLevel = "WARNING" };

    /// <summary>The file is in incremental auto-vacuum and holds no free pages: what was pruned went back to the file system.</summary>
    protected override Task AssertSpaceGivenBack(CoordinatorOptions options)
    {
        using var connection = new SqliteConnection(options.JournalConnectionString());
        connection.Open();
        Assert.Equal(2L, Pragma(connection, "auto_vacuum"));
        var pageSize = Pragma(connection, "page_size");
        var fileBytes = new FileInfo(Path.Combine(Temp.Path, "journal.db")).Length;
        // Three rounds of three 80 KB updates and their checkpoints went through the file; what is left is one round's worth and a snapshot.
        Assert.True(Pragma(connection, "freelist_count") * pageSize < 100_000, "free pages were given back");
        Assert.True(fileBytes < 10 * MlpLayout.TotalCount * 4, $"the journal file is {fileBytes} bytes, more than about ten models");
        return Task.CompletedTask;
    }

    private static long Pragma(SqliteConnection connection, string name)
    {
        using var command = connection.CreateCommand();
        command.CommandText = $"PRAGMA {name}";
        return Convert.ToInt64(command.ExecuteScalar());
    }
}

[Collection(PostgreSqlCollection.Name)]
public sealed class PostgreSqlJournalPruningTests(PostgreSqlServer server) : JournalPruningTests
{
    private readonly string database = server.NewDatabase();

    protected override CoordinatorOptions Options => new()
    {
        DataDir = Temp.Path, AkkaLogLevel = "WARNING", Journal = CoordinatorOptions.PostgreSql, ConnectionString = database,
    };

    /// <summary>
    /// The pruned rows are deleted (dead tuples, their TOASTed blobs too) and the node vacuums the journal after each prune
    /// (autovacuum alone fell behind fast rounds): their space is reused by the next rounds' rows; the table file does not
    /// shrink (VACUUM FULL would).
    /// </summary>
    protected override async Task AssertSpaceGivenBack(CoordinatorOptions options)
    {
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        await using (var count = new NpgsqlCommand("SELECT count(*) FROM journal", connection))
            Assert.True((long)(await count.ExecuteScalarAsync())! <= 6, "only the open round's rows (and the shard coordinator's) are left");
        // A manual VACUUM, not autovacuum's, stamps last_vacuum (statistics reach the view within a second or so).
        await Eventually.Get(async () =>
        {
            await using var vacuumed = new NpgsqlCommand("SELECT last_vacuum FROM pg_stat_user_tables WHERE relname = 'journal'", connection);
            return await vacuumed.ExecuteScalarAsync() is DateTime at ? (object)at : null;
        }, TimeSpan.FromSeconds(30), "the node's vacuum of the journal after a prune");
    }
}
