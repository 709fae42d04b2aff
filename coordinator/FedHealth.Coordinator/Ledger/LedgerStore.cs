using System.Data.Common;
using System.Text.Json;
using FedHealth.Coordinator.Hosting;
using FedHealth.Governance;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace FedHealth.Coordinator.Ledger;

/// <summary>
/// Reads the transfer ledger straight from the event journal's table (SQLite or PostgreSQL), row by row in the
/// journal's own order, so verification depends on what is stored, not on what a running coordinator believes.
/// </summary>
public static class LedgerStore
{
    public static IReadOnlyList<StoredTransfer> Read(string provider, string connectionString)
    {
        using var connection = Open(provider, connectionString);
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT sequence_number, manifest, message FROM journal WHERE persistence_id = @id ORDER BY sequence_number";
        var id = command.CreateParameter();
        id.ParameterName = "@id";
        id.Value = TransferLedger.Id;
        command.Parameters.Add(id);
        var result = new List<StoredTransfer>();
        try
        {
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                var sequence = reader.GetInt64(0);
                var manifest = reader.IsDBNull(1) ? "" : reader.GetString(1);
                if (manifest != nameof(TransferRecorded)) throw new InvalidDataException($"journal sequence {sequence} of the ledger holds '{manifest}', not a transfer record");
                // A hand edit in a database tool can leave the message as text rather than a blob; read either.
                var bytes = reader.GetValue(2) switch
                {
                    byte[] blob => blob,
                    string text => System.Text.Encoding.UTF8.GetBytes(text),
                    var other => throw new InvalidDataException($"journal sequence {sequence} of the ledger holds a {other.GetType().Name}: altered"),
                };
                TransferRecorded? recorded;
                try { recorded = JsonSerializer.Deserialize<TransferRecorded>(bytes, JournalSerializer.Options); }
                catch (JsonException e) { throw new InvalidDataException($"journal sequence {sequence} of the ledger is not a readable transfer record ({e.Message}): altered", e); }
                if (recorded?.Record is null) throw new InvalidDataException($"journal sequence {sequence} of the ledger is empty: altered");
                result.Add(new StoredTransfer(sequence, recorded.Record));
            }
        }
        catch (DbException e) when (e.Message.Contains("no such table") || e.Message.Contains("does not exist"))
        {
            return [];
        }
        return result;
    }

    public static string SqliteConnection(string dataDir)
    {
        var path = Path.Combine(dataDir, "journal.db");
        if (!File.Exists(path)) throw new FileNotFoundException($"{path}: no journal here (is --data-dir the folder `fedhealth local --data-dir` used?)", path);
        return $"Data Source={path};Mode=ReadOnly";
    }

    private static DbConnection Open(string provider, string connectionString)
    {
        DbConnection connection = provider switch
        {
            CoordinatorOptions.Sqlite => new SqliteConnection(connectionString),
            CoordinatorOptions.PostgreSql => new NpgsqlConnection(connectionString),
            _ => throw new ArgumentException($"unknown journal provider '{provider}' (Sqlite or PostgreSql)"),
        };
        connection.Open();
        return connection;
    }
}
