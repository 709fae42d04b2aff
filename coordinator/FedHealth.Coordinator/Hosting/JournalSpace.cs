using Microsoft.Data.Sqlite;

namespace FedHealth.Coordinator.Hosting;

/// <summary>
/// Gives back the space of journal rows a job has pruned. SQLite keeps a file at its high-water mark unless
/// auto-vacuum is on: the journal file is switched to incremental auto-vacuum (a one-time VACUUM for a file made
/// before), and after each prune its free pages are returned to the file system (<c>PRAGMA incremental_vacuum</c>).
/// PostgreSQL needs nothing here: its autovacuum makes deleted rows' space (and their TOASTed blobs) reusable.
/// </summary>
public sealed class JournalSpace(CoordinatorOptions options)
{
    /// <summary>
    /// Before the journal's tables are opened: incremental auto-vacuum and WAL on the SQLite file. Answers what was
    /// done to a file made before (its one-time VACUUM rewrites it, and needs free disk for a copy), null when nothing.
    /// </summary>
    public static string? Prepare(CoordinatorOptions options)
    {
        if (options.Journal != CoordinatorOptions.Sqlite) return null;
        string? done = null;
        using var connection = new SqliteConnection(options.JournalConnectionString());
        connection.Open();
        if (Scalar(connection, "PRAGMA auto_vacuum") != 2)
        {
            Execute(connection, "PRAGMA auto_vacuum = INCREMENTAL");
            // A file with tables keeps its old mode until rewritten; an empty new file takes it at once.
            if (Scalar(connection, "SELECT count(*) FROM sqlite_master") > 0)
            {
                var watch = System.Diagnostics.Stopwatch.StartNew();
                Execute(connection, "VACUUM");
                done = "the journal file was switched to incremental auto-vacuum, so pruned rounds give their space back " +
                    $"(one-time VACUUM, {watch.Elapsed.TotalSeconds:F1} s)";
            }
        }
        // Write-ahead logging: the journal's writes, the snapshot store's and readers (audits, the ledger's verification)
        // do not wait on one another as they do in SQLite's default rollback mode.
        Execute(connection, "PRAGMA journal_mode = WAL");
        return done;
    }

    /// <summary>
    /// After rows were deleted: SQLite's free pages go back to the file system, and the write-ahead log, which keeps the
    /// size of the largest write it held (a round's masked update), is folded into the file and truncated. Answers the
    /// pages freed. Best effort: a busy file is reclaimed after the next prune.
    /// </summary>
    public long Reclaim()
    {
        if (options.Journal != CoordinatorOptions.Sqlite) return 0;
        // A checkpoint waits for the file's readers and writers: at most a few seconds, then the next prune tries again.
        var builder = new SqliteConnectionStringBuilder(options.JournalConnectionString()) { DefaultTimeout = 5 };
        using var connection = new SqliteConnection(builder.ToString());
        connection.Open();
        var free = Scalar(connection, "PRAGMA freelist_count");
        Execute(connection, "PRAGMA incremental_vacuum");
        var freed = free - Scalar(connection, "PRAGMA freelist_count");
        Execute(connection, "PRAGMA wal_checkpoint(TRUNCATE)");
        return freed;
    }

    private int reclaiming;

    /// <summary>
    /// <see cref="Reclaim"/> on a worker thread, never on a job actor's: a checkpoint may wait on the file, and a blocked
    /// actor thread holds up every actor of the node. At most one runs at a time; one asked for meanwhile is skipped (the
    /// running one frees those pages too).
    /// </summary>
    public Task<long> ReclaimInBackground(Action<Exception> failed)
    {
        if (options.Journal != CoordinatorOptions.Sqlite || Interlocked.Exchange(ref reclaiming, 1) == 1) return Task.FromResult(0L);
        return Task.Run(() =>
        {
            try { return Reclaim(); }
            catch (Exception e) when (e is SqliteException or InvalidOperationException) { failed(e); return 0L; }
            finally { Volatile.Write(ref reclaiming, 0); }
        });
    }

    private static long Scalar(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToInt64(command.ExecuteScalar());
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
