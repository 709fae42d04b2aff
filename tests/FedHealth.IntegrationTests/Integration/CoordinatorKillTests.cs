using System.Net.Http.Json;
using FedHealth.Contracts;
using FedHealth.Coordinator.Hosting;
using FedHealth.Coordinator.Jobs;
using FedHealth.Tests.Support;
using Xunit.Abstractions;

namespace FedHealth.Tests.Integration;

/// <summary>
/// A single coordinator, pruned behind snapshots as by default, killed with SIGKILL between two acknowledged updates and
/// started again on the same journal: both updates are in, nothing is counted twice, and the ended job keeps no events.
/// On its embedded SQLite file and on PostgreSQL. (A cluster's node killed while running a job: ClusterChaosTests.)
/// </summary>
public abstract class CoordinatorKillTests(ITestOutputHelper log) : IDisposable
{
    private static readonly string[] SiteIds = ["DE-GBSG", "NL-ROTTERDAM-A", "NL-ROTTERDAM-B"];
    protected readonly TempFolder Temp = new();

    protected abstract RabbitMqBroker Broker { get; }
    /// <summary>The journal's provider and connection string as the test reads it, and the coordinator's settings for it.</summary>
    protected abstract (string Provider, string Connection, string[] Settings) Journal { get; }

    [Fact]
    public async Task Kill_9_of_the_coordinator_between_two_acknowledged_updates_loses_neither()
    {
        var (provider, connection, settings) = Journal;
        using var federation = new ProcessFederation(Broker, Temp.Path, SiteIds, log, coordinatorSettings: settings);
        await federation.SitesOnline(3);
        var spec = ProcessFederation.BreastPrognosis(rounds: 3, deadline: TimeSpan.FromSeconds(90)) with { MinSites = 3, SecureAggregation = false };
        var reference = await federation.Launch(spec);
        Assert.Equal("completed", (await federation.Ended(reference, TimeSpan.FromMinutes(2))).Status);

        // One site hangs: round 1 stays open once the other two sites' updates are acknowledged (journaled).
        var slow = federation.Sites["NL-ROTTERDAM-B"];
        slow.Freeze();
        var job = await federation.Launch(spec);
        await Eventually.Get(() => Task.FromResult(Updates(provider, connection, job) == 2 ? "two" : null), TimeSpan.FromSeconds(60),
            "two sites' round-1 updates to be journaled");

        federation.KillAndRestartCoordinator();
        slow.Thaw();
        var done = await federation.Ended(job, TimeSpan.FromMinutes(3));
        Assert.Equal("completed", done.Status);
        Assert.All(done.Rounds, r => Assert.Equal(SiteIds.Order(), r.Contributors.Order()));
        // Same seed, same inputs, each update counted once: the same final model as the job without a crash, bit for bit.
        Assert.Equal(await federation.ModelWeights(reference), await federation.ModelWeights(job));
        await Eventually.Get(() => Task.FromResult(JournalTable.JobEvents(provider, connection, job).Count == 0 ? "pruned" : null),
            TimeSpan.FromSeconds(30), "the ended job's events to be pruned behind its last snapshot");
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Npgsql.NpgsqlConnection.ClearAllPools();
    }

    private static int Updates(string provider, string connection, Guid job) =>
        JournalTable.JobEvents(provider, connection, job).OfType<UpdateReceived>().Count();

    public void Dispose() => Temp.Dispose();
}

[Collection(RabbitMqCollection.Name)]
public sealed class SqliteCoordinatorKillTests(RabbitMqBroker broker, ITestOutputHelper log) : CoordinatorKillTests(log)
{
    protected override RabbitMqBroker Broker => broker;
    protected override (string, string, string[]) Journal =>
        (CoordinatorOptions.Sqlite, $"Data Source={Path.Combine(Temp.Path, "journal.db")};Mode=ReadOnly", []);
}

[Collection(RealServersCollection.Name)]
public sealed class PostgreSqlCoordinatorKillTests(RealServers servers, ITestOutputHelper log) : CoordinatorKillTests(log)
{
    private readonly string database = servers.PostgreSql.NewDatabase();
    protected override RabbitMqBroker Broker => servers.RabbitMq;
    protected override (string, string, string[]) Journal =>
        (CoordinatorOptions.PostgreSql, database, [$"--Coordinator:Journal={CoordinatorOptions.PostgreSql}", $"--Coordinator:ConnectionString={database}"]);
}
