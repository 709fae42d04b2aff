using Akka.Actor;
using FedHealth.Contracts;
using FedHealth.Coordinator.Bus;
using FedHealth.Coordinator.Hosting;
using FedHealth.Coordinator.Ledger;
using Microsoft.Data.Sqlite;

namespace FedHealth.Tests.Support;

/// <summary>A transfer ledger in a SQLite journal, written by the real ledger actor, and the SQL an attacker would run on it.</summary>
public static class LedgerJournal
{
    /// <summary>Journals <paramref name="drafts"/> in order into <paramref name="dataDir"/>/journal.db; returns the ledger as the actor then shows
    /// it.</summary>
    public static async Task<TransferLedgerPage> Write(string dataDir, IEnumerable<TransferRecord> drafts, IFederationPublisher publisher)
    {
        Directory.CreateDirectory(dataDir);
        var system = ActorSystem.Create(AkkaConfiguration.SystemName,
            AkkaConfiguration.For(new CoordinatorOptions { DataDir = dataDir, AkkaLogLevel = "WARNING" }));
        try
        {
            var ledger = system.ActorOf(TransferLedger.Props(publisher));
            foreach (var draft in drafts) ledger.Tell(new TransferLedger.Record(draft));
            // Appends are persisted one by one, queries wait behind them: this answer comes after the last is stored.
            return await ledger.Ask<TransferLedgerPage>(new GetTransferLedger(), TimeSpan.FromSeconds(20));
        }
        finally
        {
            await system.Terminate();
            SqliteConnection.ClearAllPools();
        }
    }

    /// <summary>Runs <paramref name="sql"/> on the journal behind the coordinator's back; it must change something.</summary>
    public static void Tamper(string dataDir, string sql)
    {
        using var connection = new SqliteConnection($"Data Source={Path.Combine(dataDir, "journal.db")};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        Assert.True(command.ExecuteNonQuery() > 0, "the tampering changed a row");
    }

    public static string Connection(string dataDir) => $"Data Source={Path.Combine(dataDir, "journal.db")};Mode=ReadOnly;Pooling=False";
}
