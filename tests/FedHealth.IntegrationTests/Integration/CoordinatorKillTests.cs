using System.Net.Http.Json;
using FedHealth.Contracts;
using FedHealth.Coordinator.Hosting;
using FedHealth.Coordinator.Jobs;
using FedHealth.Tests.Support;
using Xunit.Abstractions;

namespace FedHealth.Tests.Integration;

/// <summary>
/// A single coordinator on its embedded SQLite journal, pruned behind snapshots as by default, killed with SIGKILL
/// between two acknowledged updates and started again on the same file: both updates are in, nothing is counted twice,
/// and the ended job keeps no events. (The cluster's PostgreSQL journal: ClusterChaosTests.)
/// </summary>
[Collection(RabbitMqCollection.Name)]
public sealed class CoordinatorKillTests(RabbitMqBroker broker, ITestOutputHelper log) : IDisposable
{
    private static readonly string[] SiteIds = ["DE-GBSG", "NL-ROTTERDAM-A", "NL-ROTTERDAM-B"];
    private readonly TempFolder temp = new();

    [Fact]
    public async Task Kill_9_of_the_coordinator_between_two_acknowledged_updates_loses_neither_on_its_SQLite_journal()
    {
        using var federation = new ProcessFederation(broker, temp.Path, SiteIds, log);
        await federation.SitesOnline(3);
        var spec = ProcessFederation.BreastPrognosis(rounds: 3, deadline: TimeSpan.FromSeconds(90)) with { MinSites = 3, SecureAggregation = false };
        var reference = await federation.Launch(spec);
        Assert.Equal("completed", (await federation.Ended(reference, TimeSpan.FromMinutes(2))).Status);

        // One site hangs: round 1 stays open once the other two sites' updates are acknowledged (journaled).
        var slow = federation.Sites["NL-ROTTERDAM-B"];
        slow.Freeze();
        var job = await federation.Launch(spec);
        var journal = $"Data Source={Path.Combine(temp.Path, "journal.db")};Mode=ReadOnly";
        await Eventually.Get(() => Task.FromResult(Updates(journal, job) == 2 ? "two" : null), TimeSpan.FromSeconds(60),
            "two sites' round-1 updates to be journaled");

        federation.KillAndRestartCoordinator();
        slow.Thaw();
        var done = await federation.Ended(job, TimeSpan.FromMinutes(3));
        Assert.Equal("completed", done.Status);
        Assert.All(done.Rounds, r => Assert.Equal(SiteIds.Order(), r.Contributors.Order()));
        // Same seed, same inputs, each update counted once: the same final model as the job without a crash, bit for bit.
        Assert.Equal(await federation.ModelWeights(reference), await federation.ModelWeights(job));
        await Eventually.Get(() => Task.FromResult(JournalTable.JobEvents(CoordinatorOptions.Sqlite, journal, job).Count == 0 ? "pruned" : null),
            TimeSpan.FromSeconds(30), "the ended job's events to be pruned behind its last snapshot");
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
    }

    private static int Updates(string journal, Guid job) => JournalTable.JobEvents(CoordinatorOptions.Sqlite, journal, job).OfType<UpdateReceived>().Count();

    public void Dispose() => temp.Dispose();
}
