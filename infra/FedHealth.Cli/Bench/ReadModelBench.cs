using System.CommandLine;
using System.Diagnostics;
using System.Text.Json;
using Akka.Actor;
using FedHealth.Contracts;
using FedHealth.Coordinator.Hosting;
using FedHealth.Coordinator.Jobs;
using FedHealth.Learning.Models;
using Microsoft.Extensions.Logging.Abstractions;

namespace FedHealth.Cli.Bench;

/// <summary>
/// Issue 20's read-model bench: a coordinator node (its job index, sharded job actors and SQLite journal, in this
/// process) runs many small jobs to their end with three simulated sites; at 10, 100 and 1,000 finished jobs it times
/// and weighs, as the dashboard's JSON, the answers its pages get: the jobs page (sites and the newest 50 jobs), one
/// job with its rounds, and, for comparison, what the jobs page was answered before (every job with every round).
/// </summary>
public static class ReadModelBench
{
    private static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web)
    {
        NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    internal static readonly string[] Sites = ["S1", "S2", "S3"];
    internal static readonly string[] Features = ["f0", "f1"];

    public static Command Command()
    {
        var jobs = new Option<int[]>("--jobs")
        {
            Description = "Finished jobs at which to measure", DefaultValueFactory = _ => [10, 100, 1000], AllowMultipleArgumentsPerToken = true,
        };
        var rounds = new Option<int>("--rounds") { Description = "Rounds of each job", DefaultValueFactory = _ => 2 };
        var repeats = new Option<int>("--repeats") { Description = "Requests timed at each point (median)", DefaultValueFactory = _ => 20 };
        var command = new Command("read-models", "Size and latency of the dashboard's pages' answers as finished jobs grow from 10 to 1,000.")
        {
            jobs, rounds, repeats,
        };
        command.SetAction(async (result, _) =>
        {
            var points = (result.GetValue(jobs) ?? []).Order().ToList();
            if (points.Count == 0 || points[0] < 1 || result.GetValue(rounds) < 1 || result.GetValue(repeats) < 1)
            {
                Console.Error.WriteLine("--jobs must list counts of 1 or more, --rounds and --repeats at least 1");
                return 2;
            }
            await Run(points, result.GetValue(rounds), result.GetValue(repeats), Console.Out);
            return 0;
        });
        return command;
    }

    public static async Task Run(IReadOnlyList<int> points, int rounds, int repeats, TextWriter output)
    {
        var dataDir = Directory.CreateTempSubdirectory("fedhealth-read-models-").FullName;
        var bus = new ChannelPublisher();
        var options = new CoordinatorOptions { DataDir = dataDir, AkkaLogLevel = "WARNING" };
        var node = new CoordinatorNode(options, new CoordinatorKeys(null), bus, TimeProvider.System, NullLogger<CoordinatorNode>.Instance);
        try
        {
            await node.StartAsync(CancellationToken.None);
            var actors = await node.Actors;
            var model = new ModelSpec { Kind = "logistic", Features = Features.Length };
            var layout = ParameterLayout.For(model);
            output.WriteLine($"Jobs of {rounds} rounds, 3 sites, run to their end on one coordinator node (SQLite journal); " +
                $"answers as the dashboard sends them (JSON), median of {repeats}:");
            output.WriteLine("finished jobs | jobs page (newest 50)   | one job with its rounds | every job with its rounds (the jobs page before)");
            var finished = new List<Guid>();
            foreach (var point in points)
            {
                while (finished.Count < point)
                {
                    foreach (var site in Sites) actors.Sites.Tell(Heartbeat(site));
                    finished.Add(await RunJob(actors, bus, model, layout, rounds, finished.Count));
                }
                var page = await Measure(repeats, () => actors.Index.Ask<FederationStatus>(new GetFederationStatus { JobsLimit = 50 }, Timeout));
                var one = await Measure(repeats, () => actors.Index.Ask<JobSummary>(new GetJob { JobId = finished[^1] }, Timeout));
                var before = await Measure(Math.Min(repeats, 3), async () => await Task.WhenAll(finished.Select(id =>
                    actors.Jobs.Ask<JobSummary>(new JobProtocol.GetJobSummary(id), Timeout))));
                output.WriteLine($"{point,13} | {page.Bytes / 1e3,9:F1} KB {page.Milliseconds,7:F2} ms | " +
                    $"{one.Bytes / 1e3,7:F1} KB {one.Milliseconds,7:F2} ms " +
                    $"| {before.Bytes / 1e3,10:F1} KB {before.Milliseconds,8:F2} ms");
            }
            output.WriteLine(
                $"Reproduce: ./fedhealth bench read-models {string.Join(" ", points.Select(p => $"--jobs {p}"))} --rounds {rounds} --repeats {repeats}");
        }
        finally
        {
            await node.StopAsync(CancellationToken.None);
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(dataDir, recursive: true);
        }
    }

    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(2);

    /// <summary>The answer's JSON size, and the median time to get it and write it as JSON (what the bus and the dashboard do with it).</summary>
    private static async Task<(double Bytes, double Milliseconds)> Measure<T>(int repeats, Func<Task<T>> ask)
    {
        await ask(); // warm-up
        var times = new List<double>();
        var bytes = 0;
        for (var i = 0; i < repeats; i++)
        {
            var watch = Stopwatch.StartNew();
            bytes = JsonSerializer.SerializeToUtf8Bytes(await ask(), Web).Length;
            times.Add(watch.Elapsed.TotalMilliseconds);
        }
        return (bytes, times.Order().ElementAt(times.Count / 2));
    }

    internal static SiteHeartbeat Heartbeat(string site) => new()
    {
        SiteId = site, Jurisdiction = "NL", Schema = "bench", FeatureNames = Features, TrainSamples = 100, TestSamples = 20, Device = "cpu",
        SentAt = DateTimeOffset.UtcNow,
    };

    /// <summary>One job created through the index and answered by three simulated sites until it ends.</summary>
    internal static async Task<Guid> RunJob(CoordinatorActors actors, ChannelPublisher bus, ModelSpec model, ParameterLayout layout, int rounds, int n)
    {
        var spec = new JobSpec
        {
            Name = $"bench {n + 1}", Schema = "bench", FeatureNames = Features, Model = model, Rounds = rounds, MinSites = 3, SecureAggregation = false,
            RoundDeadline = TimeSpan.FromHours(1), Seed = n + 1,
        };
        var answer = await actors.Index.Ask<object>(new CreateJob { Spec = spec, RequestId = Guid.NewGuid() }, Timeout);
        if (answer is not JobAccepted accepted) throw new InvalidOperationException($"the bench's job was refused: {(answer as JobRefused)?.Reason ?? answer}");
        while (true)
        {
            switch (await bus.Next())
            {
                case RoundStarted started when started.JobId == accepted.JobId:
                    foreach (var site in accepted.Participants)
                        await actors.Jobs.Ask<JobProtocol.Handled>(new UpdateSubmitted
                        {
                            JobId = started.JobId, Round = started.Round, SiteId = site, SampleCount = 100, TrainLoss = 0.5, Device = "cpu", TrainSeconds = 0,
                            Weights = new FlatParameters(layout, Enumerable.Repeat(0.1f * started.Round, layout.TotalCount).ToArray()).ToWeights(),
                        }, Timeout);
                    break;
                case EvaluationRequested evaluation when evaluation.JobId == accepted.JobId:
                    foreach (var site in accepted.Participants)
                        await actors.Jobs.Ask<JobProtocol.Handled>(SimulatedEvaluation.Of(evaluation, site), Timeout);
                    break;
                case JobEnded ended when ended.JobId == accepted.JobId:
                    if (ended.Outcome != "completed") throw new InvalidOperationException($"the bench's job ended {ended.Outcome}: {ended.Detail}");
                    return ended.JobId;
            }
        }
    }
}
