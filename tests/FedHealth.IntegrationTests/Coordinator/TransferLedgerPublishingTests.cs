using Akka.Actor;
using Akka.Serialization;
using FedHealth.Contracts;
using FedHealth.Coordinator.Hosting;
using FedHealth.Coordinator.Ledger;
using FedHealth.Tests.Governance;
using FedHealth.Tests.Support;
using Microsoft.Data.Sqlite;

namespace FedHealth.Tests.Coordinator;

/// <summary>The ledger actor on a real SQLite journal, with the bus replaced by a recorder: what it announces, when, and what it answers.</summary>
public sealed class TransferLedgerPublishingTests : IAsyncLifetime
{
    private readonly TempFolder temp = new();
    private readonly List<ActorSystem> systems = new();

    [Fact]
    public async Task Ledger_must_announce_an_entry_only_once_the_journal_holds_it()
    {
        var bus = new RecordingPublisher();
        var ledger = NewSystem().ActorOf(TransferLedger.Props(bus));
        var drafts = LedgerSamples.Drafts();
        ledger.Tell(new TransferLedger.Record(drafts[0]));
        ledger.Tell(new TransferLedger.Record(drafts[1]));

        foreach (var index in new[] { 1L, 2L })
        {
            var appended = await bus.Next<TransferAppended>();
            Assert.Equal(index, appended.Record.Index);
            // Read behind the actor's back: the announced entry is already in the database, chained as announced.
            var stored = LedgerStore.Read(CoordinatorOptions.Sqlite, LedgerJournal.Connection(temp.Path));
            Assert.Contains(stored, s => s.Record == appended.Record);
        }
        var page = await ledger.Ask<TransferLedgerPage>(new GetTransferLedger(), TimeSpan.FromSeconds(10));
        Assert.Equal(page.Head, page.Entries[^1].Hash);
    }

    [Fact]
    public async Task Ledger_must_not_announce_again_the_entries_it_recovers_after_a_restart()
    {
        var first = NewSystem();
        var drafts = LedgerSamples.Drafts();
        var ledger = first.ActorOf(TransferLedger.Props(new RecordingPublisher()));
        ledger.Tell(new TransferLedger.Record(drafts[0]));
        ledger.Tell(new TransferLedger.Record(drafts[1]));
        await ledger.Ask<TransferLedgerPage>(new GetTransferLedger(), TimeSpan.FromSeconds(10));
        await first.Terminate();

        var bus = new RecordingPublisher();
        NewSystem().ActorOf(TransferLedger.Props(bus)).Tell(new TransferLedger.Record(drafts[2]));
        // The recorder keeps order: had recovery announced entries 1 and 2, they would come first.
        Assert.Equal(3, (await bus.Next<TransferAppended>()).Record.Index);
    }

    [Fact]
    public async Task Ledger_must_refuse_a_bad_query_and_offer_facets_with_a_page()
    {
        var ledger = NewSystem().ActorOf(TransferLedger.Props(new RecordingPublisher()));
        foreach (var draft in LedgerSamples.Drafts()) ledger.Tell(new TransferLedger.Record(draft));

        var refused = Assert.IsType<TransferLedgerRefused>(await ledger.Ask<object>(new GetTransferLedger { Decision = "maybe" }, TimeSpan.FromSeconds(10)));
        Assert.Equal("decision", refused.Field);
        var page = await ledger.Ask<TransferLedgerPage>(new GetTransferLedger { Decision = "refused" }, TimeSpan.FromSeconds(10));
        Assert.Equal([3L, 4], page.Entries.Select(e => e.Index));
        Assert.Equal(["DE", "FR", "NL", "US"], page.Facets.Jurisdictions);
        Assert.Equal(["allowed", "refused"], page.Facets.Decisions);
    }

    [Fact]
    public async Task The_ledgers_answers_cross_coordinator_nodes_whole()
    {
        var system = NewSystem();
        var ledger = system.ActorOf(TransferLedger.Props(new RecordingPublisher()));
        foreach (var draft in LedgerSamples.Drafts()) ledger.Tell(new TransferLedger.Record(draft));
        var page = await ledger.Ask<TransferLedgerPage>(new GetTransferLedger { Limit = 2 }, TimeSpan.FromSeconds(10));

        var back = RoundTrip(system, page);
        Assert.Equal(page.Entries, back.Entries);
        Assert.Equal(page.Facets.Jobs, back.Facets.Jobs);
        Assert.Equal(page.Facets.Sites, back.Facets.Sites);
        Assert.Equal((page.Total, page.Head), (back.Total, back.Head));
        Assert.Equal(new TransferLedgerRefused { Field = "limit", Reason = "no" },
            RoundTrip(system, new TransferLedgerRefused { Field = "limit", Reason = "no" }));
        var query = new GetTransferLedger { SenderJurisdiction = "DE", ReceiverJurisdiction = "US", DataKind = "modelUpdate", Decision = "refused" };
        Assert.Equal(query, RoundTrip(system, query));
    }

    private static T RoundTrip<T>(ActorSystem system, T message) where T : class
    {
        var serializer = system.Serialization.FindSerializerFor(message);
        Assert.IsType<WireSerializer>(serializer);
        var manifest = Serialization.ManifestFor(serializer, message);
        return Assert.IsType<T>(system.Serialization.Deserialize(serializer.ToBinary(message), serializer.Identifier, manifest));
    }

    private ActorSystem NewSystem()
    {
        var system = ActorSystem.Create(AkkaConfiguration.SystemName,
            AkkaConfiguration.For(new CoordinatorOptions { DataDir = temp.Path, AkkaLogLevel = "WARNING" }));
        systems.Add(system);
        return system;
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var system in systems) await system.Terminate();
        SqliteConnection.ClearAllPools();
        temp.Dispose();
    }
}
