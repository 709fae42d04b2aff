using System.CommandLine;
using System.Diagnostics;
using Akka.Actor;
using FedHealth.Contracts;
using FedHealth.Coordinator.Hosting;
using FedHealth.Coordinator.Jobs;
using FedHealth.Learning.Models;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace FedHealth.Cli.Bench;

/// <summary>
/// Issue 23's bench: a secure job (1,000,001 parameters, 10 sites, 50 rounds by default) run by the coordinator's job
/// actor on a real journal (the node's SQLite file, or a fresh PostgreSQL database), with the default retention. Per
/// round it prints the journal's bytes on disk once the round has closed (its snapshot stored, the events it covers
/// pruned, the space given back) and at the round's fullest (every masked update journaled), each against the model's
/// bytes; the coordinator is killed and recovered at the fullest moment of the chosen rounds, and the time it takes
/// is printed.
/// </summary>
public static class JournalGrowthBench
{
    public sealed record Settings(int Rounds, int Sites, int Hidden, int RingBits, int CheckpointEvery, IReadOnlyList<int> RecoverAt, string? Postgres);

    public static Command Command()
    {
        var rounds = new Option<int>("--rounds") { Description = "Rounds of the job", DefaultValueFactory = _ => 50 };
        var sites = new Option<int>("--sites") { Description = "Simulated sites", DefaultValueFactory = _ => 10 };
        var hidden = new Option<int>("--hidden")
        {
            Description = "MLP hidden units (8 features): 100000 makes 1,000,001 parameters", DefaultValueFactory = _ => 100_000
        };
        var ring = new Option<int>("--ring-bits") { Description = "The secure sum's ring: 64 or 32", DefaultValueFactory = _ => 64 };
        var every = new Option<int>("--checkpoint-every") { Description = "Also keep every k-th round's model (0: latest and best)" };
        var recoverAt = new Option<int[]>("--recover-at")
        {
            Description = "Rounds in which the coordinator is killed and recovered, with every masked update journaled",
            DefaultValueFactory = _ => [5, 50], AllowMultipleArgumentsPerToken = true,
        };
        var postgres = new Option<string?>("--postgres")
        {
            Description = "A PostgreSQL server's connection string (infra/postgresql/start.sh prints one): the journal goes to a fresh database " +
                "there, dropped afterwards. Without it: a SQLite file in a temporary folder, as a node's default",
        };
        var command = new Command("journal-growth",
            "A secure job's journal on disk per round against the model's size, and the coordinator's recovery time in early and late rounds.")
        {
            rounds, sites, hidden, ring, every, recoverAt, postgres,
        };
        command.SetAction(async (result, _) =>
        {
            var settings = new Settings(result.GetValue(rounds), result.GetValue(sites), result.GetValue(hidden), result.GetValue(ring),
                result.GetValue(every), result.GetValue(recoverAt) ?? [], result.GetValue(postgres));
            if (settings.Rounds < 2 || settings.Sites < 3 || settings.Hidden < 1 || settings.RingBits is not (32 or 64) || settings.CheckpointEvery < 0
                || settings.RecoverAt.Any(r => r < 1 || r > settings.Rounds))
            {
                Console.Error.WriteLine("--rounds must be at least 2, --sites at least 3, --hidden at least 1, --ring-bits 32 or 64, " +
                    "--checkpoint-every 0 or more and each --recover-at a round of the job");
                return 2;
            }
            await Run(settings, Console.Out);
            return 0;
        });
        return command;
    }

    public static async Task Run(Settings settings, TextWriter output)
    {
        var dataDir = Directory.CreateTempSubdirectory("fedhealth-journal-growth-").FullName;
        var database = settings.Postgres is null ? null : await JournalOnDisk.CreateDatabase(settings.Postgres);
        try
        {
            var options = new CoordinatorOptions { DataDir = dataDir, AkkaLogLevel = "WARNING" };
            if (database is not null) (options.Journal, options.ConnectionString) = (CoordinatorOptions.PostgreSql, database);
            JournalSpace.Prepare(options);
            var space = new JournalSpace(options);
            var disk = new JournalOnDisk(options, space);
            var model = new ModelSpec { Kind = "mlp", Features = 8, HiddenUnits = settings.Hidden };
            var layout = ParameterLayout.For(model);
            var modelBytes = layout.TotalCount * 4.0;
            using var sites = new SimulatedSecureSites(Enumerable.Range(1, settings.Sites).Select(i => $"S{i:D2}").ToList(), layout);
            var spec = new JobSpec
            {
                Name = "journal growth", Schema = "bench", FeatureNames = Enumerable.Range(0, 8).Select(i => $"f{i}").ToList(), Model = model,
                Rounds = settings.Rounds, MinSites = settings.Sites, SecureAggregation = true, SecureAggregationRingBits = settings.RingBits,
                CheckpointEvery = settings.CheckpointEvery, RoundDeadline = TimeSpan.FromHours(1), Seed = 1,
            };
            output.WriteLine($"A secure job of {settings.Sites} sites, {layout.TotalCount:N0} parameters ({modelBytes / 1e6:F1} MB as float32), " +
                $"{settings.RingBits}-bit ring, {settings.Rounds} rounds, journal on {(database is null ? "SQLite" : "PostgreSQL")}, " +
                $"kept: latest and best{(settings.CheckpointEvery > 0 ? $" and every {settings.CheckpointEvery}th round" : "")}.");
            output.WriteLine("round | journal once closed  x model | growth x model | fullest (masked updates in)  x model | events left | snapshot MB");

            var job = Guid.NewGuid();
            var journal = new JobJournal(Space: space);
            var (system, bus, actor) = Start(options, job, sites, journal);
            actor.Tell(new JobProtocol.StartJob(job, spec, sites.Ids));
            var (round, snapshotAt, fullest) = (0, 0L, 0.0);
            var closes = new List<double>();
            var recoveries = new List<string>();
            try
            {
                while (true)
                {
                    var request = await bus.Next();
                    if (request is RoundStarted started && started.Round > round || request is JobEnded)
                    {
                        if (round > 0)
                        {
                            var (snapshot, left) = await disk.Settled(job, snapshotAt);
                            snapshotAt = snapshot.Sequence;
                            var bytes = await disk.Bytes();
                            var grew = closes.Count > 0 ? ((bytes - closes[^1]) / modelBytes).ToString("+0.00;-0.00;+0.00") : "";
                            output.WriteLine($"{round,5} | {bytes / 1e6,15:F1} MB {bytes / modelBytes,7:F2} | {grew,14} | " +
                                $"{fullest / 1e6,24:F1} MB {fullest / modelBytes,7:F2} | {left,11} | {snapshot.Bytes / 1e6,11:F1}");
                            closes.Add(bytes);
                        }
                        if (request is JobEnded ended)
                        {
                            Summarise(output, settings, ended, closes, modelBytes, recoveries, database is not null);
                            break;
                        }
                        round = ((RoundStarted)request).Round;
                    }
                    await sites.Answer(actor, request);
                    if (request is not SharesRelayed) continue;
                    // Every site's masked update of the round is journaled: the journal's fullest moment, and the worst for a crash.
                    fullest = await disk.Bytes();
                    if (!settings.RecoverAt.Contains(round)) continue;
                    await system.Terminate();
                    // A killed process's database connections die with it; this one's pool would keep them open.
                    SqliteConnection.ClearAllPools();
                    NpgsqlConnection.ClearAllPools();
                    var events = disk.Events(job);
                    var watch = Stopwatch.StartNew();
                    (system, bus, actor) = Start(options, job, sites, journal);
                    var summary = await actor.Ask<JobSummary>(new JobProtocol.GetJobSummary(job), TimeSpan.FromMinutes(10));
                    recoveries.Add($"round {round,3}: {watch.Elapsed.TotalSeconds:F2} s ({events} events replayed after the snapshot, " +
                        $"journal {fullest / 1e6:F1} MB; recovered in round {summary.CurrentRound}, {summary.Status})");
                }
            }
            finally { await system.Terminate(); }
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            NpgsqlConnection.ClearAllPools();
            if (database is not null) await JournalOnDisk.DropDatabase(settings.Postgres!, database);
            Directory.Delete(dataDir, recursive: true);
        }
        var recover = string.Join(" ", settings.RecoverAt.Select(r => $"--recover-at {r}"));
        output.WriteLine($"Reproduce: ./fedhealth bench journal-growth --rounds {settings.Rounds} --sites {settings.Sites} --hidden {settings.Hidden} " +
            $"--ring-bits {settings.RingBits} --checkpoint-every {settings.CheckpointEvery} {recover}" +
            (settings.Postgres is null ? "" : $" --postgres \"{settings.Postgres}\""));
    }

    private static (ActorSystem, ChannelPublisher, IActorRef) Start(CoordinatorOptions options, Guid job, SimulatedSecureSites sites, JobJournal journal)
    {
        var system = ActorSystem.Create(AkkaConfiguration.SystemName, AkkaConfiguration.For(options));
        var bus = new ChannelPublisher();
        return (system, bus, system.ActorOf(JobActor.Props(job, bus, TimeProvider.System, sites.Keys, journal: journal)));
    }

    private static void Summarise(TextWriter output, Settings settings, JobEnded ended, List<double> closes, double modelBytes, List<string> recoveries,
        bool postgres)
    {
        if (ended.Outcome != "completed") throw new InvalidOperationException($"the job ended {ended.Outcome}: {ended.Detail}");
        // Kept: the final model, the best unless it is the final, and every k-th round's.
        var kept = 2 + (settings.CheckpointEvery > 0 ? settings.Rounds / settings.CheckpointEvery : 0);
        string Met(bool met) => met ? "met" : "NOT met";
        if (postgres)
        {
            // PostgreSQL keeps a table's pages for reuse (a plain VACUUM gives back only empty pages at its end): what must
            // hold is that the high-water mark does not grow with the rounds.
            var half = closes.Count / 2;
            var (early, late) = (closes.Take(half).Max() / modelBytes, closes.Skip(half).Max() / modelBytes);
            output.WriteLine($"Largest at a round's close: rounds 1-{half} {early:F2} x the model, rounds {half + 1}-{closes.Count} {late:F2} x " +
                "(PostgreSQL reuses the vacuumed space and keeps its files; target: not growing, at most 1.1 x the first half's): " +
                $"{Met(late <= early * 1.1)}.");
            output.WriteLine($"After the job: {closes[^1] / 1e6:F1} MB = {closes[^1] / modelBytes:F2} x the model, of which the job's rows are its snapshot.");
        }
        else
        {
            var worst = closes.Zip(closes.Skip(1), (a, b) => (b - a) / modelBytes).DefaultIfEmpty(0).Max();
            output.WriteLine($"Growth per closed round: at most {worst:+0.00;-0.00;+0.00} x the model (target: at most +1.10): {Met(worst <= 1.1)}.");
            output.WriteLine($"After the job: {closes[^1] / 1e6:F1} MB = {closes[^1] / modelBytes:F2} x the model; the kept models are {kept} " +
                $"(target: at most {kept} x 1.1 = {kept * 1.1:F2}): {Met(closes[^1] / modelBytes <= kept * 1.1)}.");
        }
        output.WriteLine("The coordinator killed and recovered with the round's masked updates journaled (time to its first answer):");
        foreach (var r in recoveries) output.WriteLine($"  {r}");
    }
}
