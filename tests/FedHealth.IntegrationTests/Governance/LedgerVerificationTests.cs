using System.Text.Json;
using Akka.Actor;
using FedHealth.Contracts;
using FedHealth.Coordinator.Bus;
using FedHealth.Coordinator.Hosting;
using FedHealth.Coordinator.Ledger;
using FedHealth.Tests.Coordinator;
using FedHealth.Tests.Support;
using MassTransit;
using MassTransit.Testing;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace FedHealth.Tests.Governance;

/// <summary>
/// The one verification of the stored ledger (behind `fedhealth ledger verify` and the coordinator's answer to
/// <see cref="VerifyTransferLedger"/>), on a SQLite journal the ledger actor wrote, untouched and tampered with.
/// </summary>
public sealed class LedgerVerificationTests(LedgerVerificationTests.SampleJournal journal) : IClassFixture<LedgerVerificationTests.SampleJournal>
{
    private static readonly DateTimeOffset Now = new(2026, 3, 2, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task An_untouched_ledger_is_intact_with_its_head_and_so_says_the_cli()
    {
        var result = LedgerVerification.Run(CoordinatorOptions.Sqlite, LedgerJournal.Connection(journal.DataDir), head: null, Now);
        Assert.True(result.Intact, result.Message);
        Assert.True(result.Readable);
        Assert.Equal(6, result.Entries);
        Assert.Equal(journal.Written.Head, result.Head);
        Assert.Equal(Now, result.CheckedAt);
        Assert.Equal(0, await CliRunner.Run("ledger", "verify", "--data-dir", journal.DataDir));
        Assert.Equal(0, await CliRunner.Run("ledger", "verify", "--data-dir", journal.DataDir, "--head", journal.Written.Entries[2].Hash));
    }

    [Fact]
    public async Task An_altered_entry_is_broken_at_its_journal_sequence()
    {
        var copy = journal.Copy();
        LedgerJournal.Tamper(copy,
            "UPDATE journal SET message = replace(message, '\"Bytes\":1003', '\"Bytes\":3') WHERE persistence_id = 'transfer-ledger' AND sequence_number = 4");
        var result = LedgerVerification.Run(CoordinatorOptions.Sqlite, LedgerJournal.Connection(copy), head: null, Now);
        Assert.False(result.Intact);
        Assert.True(result.Readable);
        Assert.Equal(4, result.FirstBadSequence);
        Assert.Contains("altered", result.Message);
        Assert.Equal(1, await CliRunner.Run("ledger", "verify", "--data-dir", copy));
    }

    [Fact]
    public async Task A_head_a_site_kept_that_the_chain_no_longer_holds_is_broken_though_the_rest_links_up()
    {
        var copy = journal.Copy();
        var shown = journal.Written.Entries[4].Hash;
        LedgerJournal.Tamper(copy, "DELETE FROM journal WHERE persistence_id = 'transfer-ledger' AND sequence_number >= 5");
        var result = LedgerVerification.Run(CoordinatorOptions.Sqlite, LedgerJournal.Connection(copy), shown, Now);
        Assert.False(result.Intact);
        Assert.Contains($"head {shown}", result.Message);
        Assert.Equal(journal.Written.Entries[3].Hash, result.Head);
        Assert.True(LedgerVerification.Run(CoordinatorOptions.Sqlite, LedgerJournal.Connection(copy), journal.Written.Entries[3].Hash, Now).Intact);
        Assert.Equal(1, await CliRunner.Run("ledger", "verify", "--data-dir", copy, "--head", shown));
    }

    [Fact]
    public async Task A_row_that_is_no_transfer_record_is_tampering_not_a_read_error()
    {
        var copy = journal.Copy();
        LedgerJournal.Tamper(copy, "UPDATE journal SET message = 'nothing to see' WHERE persistence_id = 'transfer-ledger' AND sequence_number = 2");
        var result = LedgerVerification.Run(CoordinatorOptions.Sqlite, LedgerJournal.Connection(copy), head: null, Now);
        Assert.False(result.Intact);
        Assert.True(result.Readable);
        Assert.Contains("journal sequence 2", result.Message);
        Assert.Equal(1, await CliRunner.Run("ledger", "verify", "--data-dir", copy));
    }

    [Fact]
    public async Task A_database_that_cannot_be_read_is_a_clear_answer_not_an_exception()
    {
        var missing = LedgerVerification.Run(CoordinatorOptions.Sqlite, "Data Source=/nonexistent/journal.db;Mode=ReadOnly", head: null, Now);
        Assert.False(missing.Intact);
        Assert.False(missing.Readable);
        Assert.StartsWith("could not read the ledger: ", missing.Message);

        var garbage = journal.Copy();
        File.WriteAllText(Path.Combine(garbage, "journal.db"), "this is not a database, and no ledger either");
        var (code, errors) = await CliRunner.RunReadingErrors("ledger", "verify", "--data-dir", garbage);
        Assert.Equal(2, code);
        Assert.Contains("could not read the ledger: ", errors);
    }

    [Fact]
    public async Task The_coordinators_verify_consumer_reports_a_tampered_row_as_broken_over_the_bus()
    {
        var copy = journal.Copy();
        LedgerJournal.Tamper(copy, "UPDATE journal SET message = replace(message, '\"Decision\":\"allowed\"', '\"Decision\":\"refused\"') WHERE " +
            "persistence_id = 'transfer-ledger' AND sequence_number = 2");
        await using var provider = new ServiceCollection()
            .AddSingleton(new CoordinatorOptions { DataDir = copy })
            .AddSingleton(TimeProvider.System)
            .AddMassTransitTestHarness(x => x.AddConsumer<LedgerVerificationConsumer>())
            .BuildServiceProvider(true);
        var harness = provider.GetRequiredService<ITestHarness>();
        await harness.Start();

        var client = harness.GetRequestClient<VerifyTransferLedger>();
        var answer = (
            await client.GetResponse<TransferLedgerVerification>(new VerifyTransferLedger(), harness.CancellationToken, RequestTimeout.After(s: 30))).Message;
        Assert.False(answer.Intact);
        Assert.True(answer.Readable);
        Assert.Equal(2, answer.FirstBadSequence);
        Assert.Equal(LedgerVerification.Run(CoordinatorOptions.Sqlite, LedgerJournal.Connection(copy), null, answer.CheckedAt), answer);
    }

    [Fact]
    public async Task Export_selects_what_the_ledger_actor_answers_for_the_same_filters()
    {
        var query = new GetTransferLedger { SenderJurisdiction = "DE", Decision = "refused" };
        var fromActor = await journal.Ask(query);
        var path = Path.Combine(journal.Copy(), "export.json");
        Assert.Equal(0, await CliRunner.Run("ledger", "export", "--data-dir", journal.DataDir, "--sender-jurisdiction", "DE", "--decision", "refused",
            "--format", "json", "--out", path));
        var exported = JsonSerializer.Deserialize<List<TransferRecord>>(File.ReadAllText(path), WireJson.Options)!;
        Assert.Equal([4L], exported.Select(e => e.Index));
        Assert.Equal(fromActor.Entries.Select(e => e.Hash), exported.Select(e => e.Hash));

        path = Path.Combine(journal.Copy(), "export.json");
        Assert.Equal(0, await CliRunner.Run("ledger", "export", "--data-dir", journal.DataDir, "--data-kind", "globalModel", "--receiver-jurisdiction", "US",
            "--format", "json", "--out", path));
        Assert.Equal([5L], JsonSerializer.Deserialize<List<TransferRecord>>(File.ReadAllText(path), WireJson.Options)!.Select(e => e.Index));
    }

    /// <summary>The sample ledger journaled once by the real ledger actor; tests tamper with copies.</summary>
    public sealed class SampleJournal : IAsyncLifetime
    {
        private readonly TempFolder temp = new();
        public string DataDir => Path.Combine(temp.Path, "journal");
        public TransferLedgerPage Written { get; private set; } = null!;

        public async Task InitializeAsync() => Written = await LedgerJournal.Write(DataDir, LedgerSamples.Drafts(), new RecordingPublisher());

        public string Copy()
        {
            var copy = Directory.CreateDirectory(Path.Combine(temp.Path, Guid.NewGuid().ToString("N"))).FullName;
            File.Copy(Path.Combine(DataDir, "journal.db"), Path.Combine(copy, "journal.db"));
            return copy;
        }

        /// <summary>What a restarted ledger actor on a copy of the journal answers (the dashboard's path).</summary>
        public async Task<TransferLedgerPage> Ask(GetTransferLedger query)
        {
            var copy = Copy();
            var system = ActorSystem.Create(AkkaConfiguration.SystemName,
                AkkaConfiguration.For(new CoordinatorOptions { DataDir = copy, AkkaLogLevel = "WARNING" }));
            try { return await system.ActorOf(TransferLedger.Props(new RecordingPublisher())).Ask<TransferLedgerPage>(query, TimeSpan.FromSeconds(20)); }
            finally
            {
                await system.Terminate();
                SqliteConnection.ClearAllPools();
            }
        }

        public Task DisposeAsync()
        {
            temp.Dispose();
            return Task.CompletedTask;
        }
    }
}
