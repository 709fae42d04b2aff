using System.CommandLine;
using System.Diagnostics;
using Akka.Actor;
using FedHealth.Contracts;
using FedHealth.Coordinator.Bus;
using FedHealth.Coordinator.Hosting;
using FedHealth.Coordinator.Jobs;
using FedHealth.Learning.Models;

namespace FedHealth.Cli.Bench;

/// <summary>
/// How long a coordinator takes to bring a long job back: a job actor on a real SQLite journal runs many rounds of
/// plain updates from simulated sites, then is recovered again and again, alternately from its events alone (every
/// update since the start replayed) and from its round-close snapshot plus the events after it. The time is from
/// starting the actor to its first answer (it answers only once recovered).
/// </summary>
public static class JobRecoveryBench
{
    public static Command Command()
    {
        var rounds = new Option<int>("--rounds") { Description = "Rounds closed before the recoveries", DefaultValueFactory = _ => 100 };
        var sites = new Option<int>("--sites") { Description = "Simulated sites", DefaultValueFactory = _ => 4 };
        var hidden = new Option<int>("--hidden")
        {
            Description = "MLP hidden units (8 features); 2000 is about 20k parameters",
            DefaultValueFactory = _ => 2000
        };
        var repeats = new Option<int>("--repeats") { Description = "Recoveries of each kind (alternating)", DefaultValueFactory = _ => 3 };
        var command = new Command("job-recovery",
            "Recovery time of a long job from its events alone and from its round-close snapshot.") { rounds, sites, hidden, repeats };
        command.SetAction(async (result, _) =>
        {
            await Run(result.GetValue(rounds), result.GetValue(sites), result.GetValue(hidden), result.GetValue(repeats), Console.Out);
            return 0;
        });
        return command;
    }

    public static async Task Run(int rounds, int siteCount, int hidden, int repeats, TextWriter output)
    {
        var dataDir = Directory.CreateTempSubdirectory("fedhealth-recovery-").FullName;
        try
        {
            var options = new CoordinatorOptions { DataDir = dataDir, AkkaLogLevel = "WARNING" };
            var model = new ModelSpec { Kind = "mlp", Features = 8, HiddenUnits = hidden };
            var layout = ParameterLayout.For(model);
            var ids = Enumerable.Range(1, siteCount).Select(i => $"S{i}").ToList();
            var spec = new JobSpec
            {
                Name = "recovery", Schema = "bench", FeatureNames = Enumerable.Range(0, 8).Select(i => $"f{i}").ToList(), Model = model,
                Rounds = rounds + 1, MinSites = siteCount, SecureAggregation = false, RoundDeadline = TimeSpan.FromHours(1), Seed = 1,
            };
            var job = Guid.NewGuid();
            output.WriteLine($"Running a job of {siteCount} sites, {layout.TotalCount:N0} parameters, to the start of round {rounds + 1} ...");
            var watch = Stopwatch.StartNew();
            await Drive(options, job, spec, ids, layout, rounds, new JobJournal(PruneRounds: false));
            var connection = options.JournalConnectionString();
            var events = JournalTable.Read(CoordinatorOptions.Sqlite, connection, $"job-{job}");
            var snapshot = JournalTable.Snapshots(CoordinatorOptions.Sqlite, connection, $"job-{job}").Single();
            output.WriteLine($"  {rounds} rounds in {watch.Elapsed.TotalSeconds:F0} s: {events.Count} events ({Size(events) / 1e6:F1} MB), " +
                $"the latest snapshot at event {snapshot.Sequence} ({snapshot.Bytes / 1e6:F2} MB), {events.Count - snapshot.Sequence} events after it");

            var times = new Dictionary<bool, List<double>> { [false] = [], [true] = [] };
            await Recover(options, job, snapshots: true); // warm-up: JIT, SQLite
            for (var i = 0; i < repeats; i++)
                foreach (var useSnapshot in new[] { false, true })
                    times[useSnapshot].Add(await Recover(options, job, useSnapshot));
            var before = Median(times[false]);
            var after = Median(times[true]);
            output.WriteLine($"Recovery, median of {repeats} (each run: {string.Join(" ", times[false].Select(t => $"{t:F2}"))} s | " +
                $"{string.Join(" ", times[true].Select(t => $"{t:F2}"))} s):");
            output.WriteLine($"  from every event:            {before,7:F2} s");
            output.WriteLine($"  from the round-close snapshot: {after,5:F2} s   ({before / after:F1}x faster)");
            output.WriteLine($"Reproduce: ./fedhealth bench job-recovery --rounds {rounds} --sites {siteCount} --hidden {hidden} --repeats {repeats}");
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(dataDir, recursive: true);
        }
    }

    private static long Size(IReadOnlyList<JournalTable.Row> rows) => rows.Sum(r => r.Message is byte[] b ? (long)b.Length : 0);

    private static double Median(List<double> values) => values.Order().ElementAt(values.Count / 2);

    /// <summary>The job, run by its actor on the journal, to the start of round <paramref name="rounds"/> + 1.</summary>
    internal static async Task Drive(CoordinatorOptions options, Guid job, JobSpec spec, IReadOnlyList<string> sites, ParameterLayout layout,
        int rounds, JobJournal journal)
    {
        var system = ActorSystem.Create(AkkaConfiguration.SystemName, AkkaConfiguration.For(options));
        try
        {
            var bus = new ChannelPublisher();
            var actor = system.ActorOf(JobActor.Props(job, bus, TimeProvider.System, journal: journal));
            actor.Tell(new JobProtocol.StartJob(job, spec, sites));
            var random = new Random(1);
            while (true)
            {
                switch (await bus.Next())
                {
                    case RoundStarted started when started.Round > rounds:
                        await SnapshotSaved(options, job, journal);
                        return;
                    case RoundStarted started:
                        foreach (var site in sites)
                        {
                            var values = new float[layout.TotalCount];
                            for (var k = 0; k < values.Length; k++) values[k] = (float)(random.NextDouble() - 0.5);
                            await actor.Ask<JobProtocol.Handled>(new UpdateSubmitted
                            {
                                JobId = job, Round = started.Round, SiteId = site, SampleCount = 100, Weights = new FlatParameters(layout, values).ToWeights(),
                                TrainLoss = 0.5, Device = "cpu", TrainSeconds = 0,
                            }, TimeSpan.FromMinutes(1));
                        }
                        break;
                    case EvaluationRequested evaluation:
                        foreach (var site in sites)
                            await actor.Ask<JobProtocol.Handled>(SimulatedEvaluation.Of(evaluation, site), TimeSpan.FromMinutes(1));
                        break;
                }
            }
        }
        finally { await system.Terminate(); }
    }

    /// <summary>Waits until the snapshot of the round that just opened is stored (the store writes it beside the journal, a little later).</summary>
    private static async Task SnapshotSaved(CoordinatorOptions options, Guid job, JobJournal journal)
    {
        var connection = options.JournalConnectionString();
        // The round that just opened is the last event (unless its snapshot has already pruned everything).
        if (JournalTable.Read(CoordinatorOptions.Sqlite, connection, $"job-{job}") is not [.., var newest]) return;
        var last = newest.Sequence;
        using var poll = new PeriodicTimer(TimeSpan.FromMilliseconds(100));
        for (var waited = 0; waited < 600; waited++)
        {
            // Pruned, the journal keeps no event before the snapshot; kept, the snapshot names the last event.
            var events = JournalTable.Read(CoordinatorOptions.Sqlite, connection, $"job-{job}");
            var snapshots = JournalTable.Snapshots(CoordinatorOptions.Sqlite, connection, $"job-{job}");
            if (snapshots.Any(s => s.Sequence == last) && (!journal.PruneRounds || events.All(e => e.Sequence > last))) return;
            await poll.WaitForNextTickAsync();
        }
        throw new TimeoutException($"no snapshot at event {last} within a minute");
    }

    /// <summary>Seconds from starting the job's actor to its first answer, on a fresh actor system.</summary>
    private static async Task<double> Recover(CoordinatorOptions options, Guid job, bool snapshots)
    {
        var system = ActorSystem.Create(AkkaConfiguration.SystemName, AkkaConfiguration.For(options));
        try
        {
            var watch = Stopwatch.StartNew();
            var actor = system.ActorOf(
                JobActor.Props(job, new ChannelPublisher(), TimeProvider.System, journal: new JobJournal(Snapshots: snapshots, PruneRounds: false)));
            var summary = await actor.Ask<JobSummary>(new JobProtocol.GetJobSummary(job), TimeSpan.FromMinutes(10));
            var seconds = watch.Elapsed.TotalSeconds;
            if (summary.Status != "training") throw new InvalidOperationException($"the recovered job is {summary.Status}, expected training");
            return seconds;
        }
        finally { await system.Terminate(); }
    }
}
