using System.Data.Common;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace FedHealth.Coordinator.Hosting;

/// <summary>
/// Gives back the space of journal rows a job has pruned. SQLite keeps a file at its high-water mark unless
/// auto-vacuum is on: the journal file is switched to incremental auto-vacuum (a one-time VACUUM for a file made
/// before), and after each prune its free pages are returned to the file system (<c>PRAGMA incremental_vacuum</c>).
/// PostgreSQL's deleted rows (and their TOASTed blobs) become reusable space once vacuumed; autovacuum alone, throttled
/// by its cost delay and waking once a minute, fell behind a job whose rounds come every second or two (the journal grew
/// by a round's masked updates every round for 48 rounds of <c>bench journal-growth --postgres</c>), so after each prune
/// the journal's tables are vacuumed here too (a plain VACUUM: no exclusive lock; the files keep their size for reuse).
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
    /// pages freed (SQLite; PostgreSQL's vacuum answers 0). Best effort: a busy file is reclaimed after the next prune.
    /// </summary>
    public long Reclaim()
    {
        if (options.Journal == CoordinatorOptions.PostgreSql) { Vacuum(); return 0; }
        if (options.Journal != CoordinatorOptions.Sqlite) return 0;
        // A checkpoint waits for the file's readers and writers: at most a few seconds, then the next prune tries again.
        var builder = new SqliteConnectionStringBuilder(options.JournalConnectionString()) { DefaultTimeout = 5 };
        using var connection = new SqliteConnection(builder.ToString());
        connection.Open();
        // SQLite's own busy handler: Microsoft.Data.Sqlite retries a statement that fails busy, but a checkpoint does not
        // fail, it reports busy in its result row, and without a handler it gave up at once whenever the journal was being
        // written or read (the bench saw the log keep a round's masked updates, 20 models, after every other round).
        Execute(connection, "PRAGMA busy_timeout = 5000");
        var free = Scalar(connection, "PRAGMA freelist_count");
        Execute(connection, "PRAGMA incremental_vacuum");
        var freed = free - Scalar(connection, "PRAGMA freelist_count");
        // (busy, log frames, frames checkpointed): busy means the log is not folded back and keeps its size until the next prune.
        if (Scalar(connection, "PRAGMA wal_checkpoint(TRUNCATE)") != 0)
            throw new InvalidOperationException("the write-ahead log stayed busy for 5 s and was not folded back into the journal file");
        return freed;
    }

    private int requested;
    private int running;

    /// <summary>True while a reclaim runs or is asked for (benches wait for it to end before they measure the file).</summary>
    public bool Reclaiming => Volatile.Read(ref running) == 1 || Volatile.Read(ref requested) == 1;

    /// <summary>
    /// <see cref="Reclaim"/> on a worker thread, never on a job actor's: a checkpoint may wait on the file, and a blocked
    /// actor thread holds up every actor of the node. At most one runs at a time; one asked for meanwhile makes the
    /// running one go round again (pages freed by a prune that came during a pass would otherwise wait for the next
    /// prune). A failed pass ends the run: the next prune tries again.
    /// </summary>
    public Task<long> ReclaimInBackground(Action<Exception> failed)
    {
        if (options.Journal is not (CoordinatorOptions.Sqlite or CoordinatorOptions.PostgreSql)) return Task.FromResult(0L);
        Volatile.Write(ref requested, 1);
        if (Interlocked.Exchange(ref running, 1) == 1) return Task.FromResult(0L);
        return Task.Run(() =>
        {
            long freed = 0;
            while (true)
            {
                try
                {
                    while (Interlocked.Exchange(ref requested, 0) == 1) freed += Reclaim();
                }
                catch (Exception e) when (e is DbException or InvalidOperationException)
                {
                    failed(e);
                    Volatile.Write(ref running, 0);
                    return freed;
                }
                Volatile.Write(ref running, 0);
                // Asked for after the last pass but before this run let go: go round again unless another run took it.
                if (Volatile.Read(ref requested) == 0 || Interlocked.Exchange(ref running, 1) == 1) return freed;
            }
        });
    }

    /// <summary>A plain VACUUM of the journal's tables (with their TOAST tables): the deleted rows' pages are free for the next rows.</summary>
    private void Vacuum()
    {
        using var connection = new NpgsqlConnection(options.JournalConnectionString());
        connection.Open();
        foreach (var table in new[] { "journal", "snapshot" })
        {
            using var command = new NpgsqlCommand($"VACUUM {table}", connection) { CommandTimeout = 300 };
            command.ExecuteNonQuery();
        }
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
