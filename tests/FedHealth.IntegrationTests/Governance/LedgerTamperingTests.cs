using FedHealth.Cli;
using FedHealth.Cli.Local;
using FedHealth.Coordinator.Hosting;
using FedHealth.Coordinator.Ledger;
using FedHealth.Governance;
using FedHealth.Tests.Support;
using Microsoft.Data.Sqlite;

namespace FedHealth.Tests.Governance;

/// <summary>A real ledger (from a local federation with a German site and a Dutch coordinator), then its database is tampered with.</summary>
public sealed class LedgerTamperingTests : IClassFixture<LedgerTamperingTests.RecordedFederation>
{
    private readonly RecordedFederation federation;

    public LedgerTamperingTests(RecordedFederation federation) => this.federation = federation;

    [Fact]
    public async Task The_untouched_ledger_verifies_and_records_every_transfer_across_the_border()
    {
        var stored = LedgerStore.Read(CoordinatorOptions.Sqlite, LedgerStore.SqliteConnection(federation.DataDir));
        Assert.True(ChainVerification.Verify(stored).Intact);
        var records = stored.Select(s => s.Record).ToList();
        Assert.All(records, r => Assert.True(r.SenderJurisdiction != r.ReceiverJurisdiction));
        Assert.Contains(records, r =>
            r is { Sender: "DE-GBSG", Receiver: "coordinator", DataKind: "maskedModelUpdate", Decision: "allowed", LegalBasis: "sameRegime" });
        Assert.Contains(records, r => r is { Sender: "coordinator", Receiver: "DE-GBSG", DataKind: "globalModel" });
        Assert.DoesNotContain(records, r => r.Sender.StartsWith("NL-") || r.Receiver.StartsWith("NL-"));
        Assert.All(records, r => Assert.Equal(64, r.PayloadSha256.Length));
        Assert.Equal(0, await CliRunner.Run("ledger", "verify", "--data-dir", federation.DataDir));
    }

    [Fact]
    public async Task An_edited_entry_is_reported_as_altered()
    {
        var copy = federation.Copy();
        LedgerJournal.Tamper(copy,
            "UPDATE journal SET message = replace(message, '\"Bytes\":', '\"Bytes\":1') WHERE persistence_id = 'transfer-ledger' AND sequence_number = 3");
        var report = ChainVerification.Verify(LedgerStore.Read(CoordinatorOptions.Sqlite, $"Data Source={Path.Combine(copy, "journal.db")}"));
        Assert.False(report.Intact);
        Assert.Equal(3, report.FirstBadSequence);
        Assert.Contains("altered", report.Message);
        Assert.Equal(1, await CliRunner.Run("ledger", "verify", "--data-dir", copy));
    }

    [Fact]
    public async Task A_deleted_entry_is_reported_as_missing()
    {
        var copy = federation.Copy();
        LedgerJournal.Tamper(copy, "DELETE FROM journal WHERE persistence_id = 'transfer-ledger' AND sequence_number = 4");
        var report = ChainVerification.Verify(LedgerStore.Read(CoordinatorOptions.Sqlite, $"Data Source={Path.Combine(copy, "journal.db")}"));
        Assert.False(report.Intact);
        Assert.Contains("entry 4 is missing", report.Message);
        Assert.Equal(1, await CliRunner.Run("ledger", "verify", "--data-dir", copy));
    }

    [Fact]
    public async Task Reordered_entries_are_reported()
    {
        var copy = federation.Copy();
        LedgerJournal.Tamper(copy, """
            UPDATE journal SET sequence_number = -1 WHERE persistence_id = 'transfer-ledger' AND sequence_number = 2;
            UPDATE journal SET sequence_number = 2 WHERE persistence_id = 'transfer-ledger' AND sequence_number = 5;
            UPDATE journal SET sequence_number = 5 WHERE persistence_id = 'transfer-ledger' AND sequence_number = -1;
            """);
        var report = ChainVerification.Verify(LedgerStore.Read(CoordinatorOptions.Sqlite, $"Data Source={Path.Combine(copy, "journal.db")}"));
        Assert.False(report.Intact);
        Assert.Equal(2, report.FirstBadSequence);
        Assert.Equal(1, await CliRunner.Run("ledger", "verify", "--data-dir", copy));
    }

    [Fact]
    public async Task A_rewritten_tail_is_caught_by_the_head_a_site_kept()
    {
        var stored = LedgerStore.Read(CoordinatorOptions.Sqlite, LedgerStore.SqliteConnection(federation.DataDir));
        var shown = stored[^2].Record.Hash;
        Assert.Equal(0, await CliRunner.Run("ledger", "verify", "--data-dir", federation.DataDir, "--head", shown));
        var copy = federation.Copy();
        LedgerJournal.Tamper(copy, $"DELETE FROM journal WHERE persistence_id = 'transfer-ledger' AND sequence_number >= {stored[^2].SequenceNumber}");
        Assert.Equal(1, await CliRunner.Run("ledger", "verify", "--data-dir", copy, "--head", shown));
    }

    [Fact]
    public async Task Export_writes_filtered_csv_and_json()
    {
        var csvPath = Path.Combine(federation.DataDir, "..", "export.csv");
        Assert.Equal(0, await CliRunner.Run("ledger", "export", "--data-dir", federation.DataDir, "--site", "DE-GBSG", "--format", "csv", "--out", csvPath));
        var lines = File.ReadAllLines(csvPath);
        Assert.StartsWith("index,at,job,round,sender", lines[0]);
        Assert.True(lines.Length > 2);
        var jsonPath = Path.Combine(federation.DataDir, "..", "export.json");
        Assert.Equal(0,
            await CliRunner.Run("ledger", "export", "--data-dir", federation.DataDir, "--jurisdiction", "FR", "--format", "json", "--out", jsonPath));
        Assert.Equal("[]", File.ReadAllText(jsonPath).Trim());
    }

    /// <summary>One local federation run whose journal the tests copy and tamper with.</summary>
    public sealed class RecordedFederation : IDisposable
    {
        private readonly TempFolder temp = new();
        public string DataDir { get; }

        public RecordedFederation()
        {
            DataDir = Path.Combine(temp.Path, "run");
            new LocalFederation(
                new LocalRunOptions { Rounds = 2, Headless = true, DataDir = DataDir, FederationDir = LocalRunOptions.DefaultFederationDir() }, TextWriter.Null)
                .Run(new CancellationTokenSource(TimeSpan.FromMinutes(5)).Token).GetAwaiter().GetResult();
            SqliteConnection.ClearAllPools();
        }

        public string Copy()
        {
            var copy = Directory.CreateDirectory(Path.Combine(temp.Path, Guid.NewGuid().ToString("N"))).FullName;
            File.Copy(Path.Combine(DataDir, "journal.db"), Path.Combine(copy, "journal.db"));
            return copy;
        }

        public void Dispose() => temp.Dispose();
    }
}
