using System.Text.Json;
using FedHealth.Coordinator.Hosting;
using FedHealth.Governance;
using Microsoft.Data.Sqlite;

namespace FedHealth.Coordinator.Ledger;

/// <summary>
/// Reads the transfer ledger straight from the event journal's table (SQLite or PostgreSQL), row by row in the
/// journal's own order, so verification depends on what is stored, not on what a running coordinator believes.
/// </summary>
public static class LedgerStore
{
    public static IReadOnlyList<StoredTransfer> Read(string provider, string connectionString)
    {
        var result = new List<StoredTransfer>();
        foreach (var row in JournalTable.Read(provider, connectionString, TransferLedger.Id))
        {
            var sequence = row.Sequence;
            if (row.Manifest != nameof(TransferRecorded))
                throw new InvalidDataException($"journal sequence {sequence} of the ledger holds '{row.Manifest}', not a transfer record");
            var bytes = row.Message switch
            {
                byte[] blob => blob,
                string text => System.Text.Encoding.UTF8.GetBytes(text),
                var other => throw new InvalidDataException($"journal sequence {sequence} of the ledger holds a {other.GetType().Name}: altered"),
            };
            TransferRecorded? recorded;
            try { recorded = JsonSerializer.Deserialize<TransferRecorded>(bytes, JournalSerializer.Options); }
            catch (JsonException e)
            {
                throw new InvalidDataException(
                    $"journal sequence {sequence} of the ledger is not a readable transfer record ({e.Message}): altered", e);
            }
            if (recorded?.Record is null) throw new InvalidDataException($"journal sequence {sequence} of the ledger is empty: altered");
            result.Add(new StoredTransfer(sequence, recorded.Record));
        }
        return result;
    }

    /// <summary>The coordinator's own journal, read-only where the provider allows it: reading the ledger must not be able to write (or create) the
    /// database.</summary>
    public static string ReadOnlyConnection(CoordinatorOptions options) => options.Journal == CoordinatorOptions.Sqlite
        ? new SqliteConnectionStringBuilder(options.JournalConnectionString()) { Mode = SqliteOpenMode.ReadOnly }.ToString()
        : options.JournalConnectionString();

    public static string SqliteConnection(string dataDir)
    {
        var path = Path.Combine(dataDir, "journal.db");
        if (!File.Exists(path)) throw new FileNotFoundException($"{path}: no journal here (is --data-dir the folder `fedhealth local --data-dir` used?)", path);
        return $"Data Source={path};Mode=ReadOnly";
    }
}
