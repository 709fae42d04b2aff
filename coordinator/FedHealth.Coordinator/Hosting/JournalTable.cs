using System.Data.Common;
using System.Runtime.Serialization;
using FedHealth.Coordinator.Jobs;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace FedHealth.Coordinator.Hosting;

/// <summary>
/// Reads one persistent actor's rows straight from the event journal's table (SQLite or PostgreSQL), in sequence
/// order: what is stored, not what a running coordinator believes. Audits and chaos checks read through here.
/// </summary>
public static class JournalTable
{
    /// <summary>One journal row; a hand edit in a database tool can leave the message as text, so it is kept as read.</summary>
    public sealed record Row(long Sequence, string Manifest, object Message);

    /// <summary>
    /// The rows of <paramref name="persistenceId"/>; none when the journal's tables do not exist yet. Pruned rows are not
    /// read: the journal keeps the highest pruned row, flagged deleted, only to remember the sequence number.
    /// </summary>
    public static IReadOnlyList<Row> Read(string provider, string connectionString, string persistenceId)
    {
        using var connection = Open(provider, connectionString);
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT sequence_number, manifest, message FROM journal WHERE persistence_id = @id AND NOT deleted ORDER BY sequence_number";
        Parameter(command, "@id", persistenceId);
        var rows = new List<Row>();
        try
        {
            using var reader = command.ExecuteReader();
            while (reader.Read()) rows.Add(new Row(reader.GetInt64(0), reader.IsDBNull(1) ? "" : reader.GetString(1), reader.GetValue(2)));
        }
        catch (DbException e) when (e.Message.Contains("no such table") || e.Message.Contains("does not exist"))
        {
            return [];
        }
        return rows;
    }

    /// <summary>The snapshots stored for <paramref name="persistenceId"/> (sequence number each covers, size in bytes); none before the first.</summary>
    public static IReadOnlyList<(long Sequence, long Bytes)> Snapshots(string provider, string connectionString, string persistenceId)
    {
        using var connection = Open(provider, connectionString);
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT sequence_number, length(snapshot) FROM snapshot WHERE persistence_id = @id ORDER BY sequence_number";
        Parameter(command, "@id", persistenceId);
        var rows = new List<(long, long)>();
        try
        {
            using var reader = command.ExecuteReader();
            while (reader.Read()) rows.Add((reader.GetInt64(0), reader.GetInt64(1)));
        }
        catch (DbException e) when (e.Message.Contains("no such table") || e.Message.Contains("does not exist"))
        {
            return [];
        }
        return rows;
    }

    /// <summary>A job's events as the coordinator wrote them.</summary>
    public static IReadOnlyList<IJobEvent> JobEvents(string provider, string connectionString, Guid jobId) =>
        Read(provider, connectionString, $"job-{jobId}").Select(r => r.Message is byte[] bytes
            ? (IJobEvent)JournalSerializer.Deserialize(bytes, r.Manifest)
            : throw new SerializationException($"journal sequence {r.Sequence} of job {jobId} is not a blob")).ToList();

    private static void Parameter(DbCommand command, string name, object value)
    {
        var p = command.CreateParameter();
        p.ParameterName = name;
        p.Value = value;
        command.Parameters.Add(p);
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
