using FedHealth.Coordinator.Hosting;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace FedHealth.Cli.Bench;

/// <summary>
/// What a coordinator's journal takes on disk, read beside the running node: SQLite's files (the database and its
/// write-ahead log), or PostgreSQL's tables with their indexes and TOASTed blobs.
/// </summary>
internal sealed class JournalOnDisk(CoordinatorOptions options, JournalSpace space)
{
    private string Connection => options.JournalConnectionString();

    public async Task<double> Bytes()
    {
        if (options.Journal == CoordinatorOptions.Sqlite)
            return Directory.GetFiles(options.DataDir, "journal.db*").Sum(f => new FileInfo(f).Length);
        await using var connection = new NpgsqlConnection(Connection);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT coalesce(sum(pg_total_relation_size(c.oid)), 0) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace " +
            "WHERE n.nspname = 'public' AND c.relkind = 'r'", connection);
        return Convert.ToDouble(await command.ExecuteScalarAsync());
    }

    /// <summary>The job's events not pruned.</summary>
    public int Events(Guid job) => JournalTable.Read(options.Journal, Connection, $"job-{job}").Count;

    /// <summary>
    /// Waits until the job's node has stored a snapshot newer than <paramref name="after"/>, deleted the older one and the
    /// events it covers, and (SQLite) given the freed pages back and folded its write-ahead log into the file: what a closed
    /// round leaves once the node is done with it.
    /// </summary>
    public async Task<((long Sequence, long Bytes) Snapshot, int Events)> Settled(Guid job, long after)
    {
        var id = $"job-{job}";
        using var poll = new PeriodicTimer(TimeSpan.FromMilliseconds(50));
        for (var waited = 0; waited < 1200; waited++)
        {
            var snapshots = JournalTable.Snapshots(options.Journal, Connection, id);
            if (snapshots is [var snapshot] && snapshot.Sequence > after)
            {
                var events = JournalTable.Read(options.Journal, Connection, id);
                if (events.All(e => e.Sequence > snapshot.Sequence) && FreePages() == 0 && !space.Reclaiming) return (snapshot, events.Count);
            }
            await poll.WaitForNextTickAsync();
        }
        throw new TimeoutException($"job {job}: no snapshot after event {after} with the events before it pruned and the space given back within a minute");
    }

    private long FreePages()
    {
        if (options.Journal != CoordinatorOptions.Sqlite) return 0;
        using var connection = new SqliteConnection(Connection);
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA freelist_count";
        return Convert.ToInt64(command.ExecuteScalar());
    }

    /// <summary>A fresh database on the server <paramref name="server"/> names, so that its tables hold this bench's job alone.</summary>
    public static async Task<string> CreateDatabase(string server)
    {
        var name = $"fedhealth_bench_{Guid.NewGuid():N}";
        await using (var connection = new NpgsqlConnection(server))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
            await command.ExecuteNonQueryAsync();
        }
        return new NpgsqlConnectionStringBuilder(server) { Database = name }.ToString();
    }

    public static async Task DropDatabase(string server, string database)
    {
        var name = new NpgsqlConnectionStringBuilder(database).Database;
        await using var connection = new NpgsqlConnection(server);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"DROP DATABASE IF EXISTS {name} WITH (FORCE)", connection);
        await command.ExecuteNonQueryAsync();
    }
}
