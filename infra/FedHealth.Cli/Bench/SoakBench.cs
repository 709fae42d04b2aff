using System.CommandLine;
using System.Diagnostics;
using FedHealth.Cli.Local;

namespace FedHealth.Cli.Bench;

/// <summary>
/// A long run with sites dropping out at random (each round attempt, each site ignores it with the given
/// probability, as if it had crashed): rounds per hour, p50/p99 round latency, and the process's memory over time.
/// Not part of the test suite; runs in one process on the embedded defaults.
/// </summary>
public static class SoakBench
{
    public static Command Command()
    {
        var rounds = new Option<int>("--rounds") { Description = "Rounds", DefaultValueFactory = _ => 100 };
        var dropout = new Option<double>("--dropout") { Description = "Probability that a site ignores a round attempt", DefaultValueFactory = _ => 0.1 };
        var deadline = new Option<double>("--deadline-seconds") { Description = "Round step deadline", DefaultValueFactory = _ => 3 };
        var command = new Command("soak",
            "A long federation run with random site dropouts: throughput, round latency, memory over time.") { rounds, dropout, deadline };
        command.SetAction(async (result, cancellation) =>
        {
            await Run(result.GetValue(rounds), result.GetValue(dropout), TimeSpan.FromSeconds(result.GetValue(deadline)), Console.Out, cancellation);
            return 0;
        });
        return command;
    }

    public static async Task Run(int rounds, double dropout, TimeSpan deadline, TextWriter output, CancellationToken cancellation)
    {
        var dataDir = Directory.CreateTempSubdirectory("fedhealth-soak-").FullName;
        var samples = new List<(double Seconds, double HeapMb, double WorkingSetMb)>();
        var clock = Stopwatch.StartNew();
        using var sampler = new Timer(_ =>
        {
            lock (samples) samples.Add((clock.Elapsed.TotalSeconds, GC.GetTotalMemory(false) / 1e6, Process.GetCurrentProcess().WorkingSet64 / 1e6));
        }, null, TimeSpan.Zero, TimeSpan.FromSeconds(1));
        try
        {
            output.WriteLine($"Soak: {rounds} rounds, breast-prognosis federation (4 sites, secure aggregation), each site ignores a round attempt with p = " +
                $"{dropout}, deadline {deadline.TotalSeconds:F0} s ...");
            var run = await new LocalFederation(new LocalRunOptions
            {
                Rounds = rounds, Headless = true, DataDir = dataDir, FederationDir = LocalRunOptions.DefaultFederationDir(),
                RoundDeadline = deadline, SimulatedDropoutRate = dropout,
            }, TextWriter.Null).Run(cancellation);
            var latencies = run.Rounds.Select(r => r.Seconds).Order().ToList();
            var hours = run.Summary.WallSeconds / 3600;
            output.WriteLine(
                $"outcome {run.Summary.Outcome}: {run.Rounds.Count} rounds in {run.Summary.WallSeconds:F0} s = {run.Rounds.Count / hours:F0} rounds/hour");
            output.WriteLine($"round latency p50 {Percentile(latencies, 0.5):F2} s, p99 {Percentile(latencies, 0.99):F2} s, max {latencies[^1]:F2} s");
            output.WriteLine($"rounds with a site left out: {run.Rounds.Count(r => r.LeftOut.Count > 0)}; final global AUC {run.Summary.Global.Auc:F4}");
            output.WriteLine("memory over time (whole process: coordinator and the four sites):");
            List<(double Seconds, double HeapMb, double WorkingSetMb)> taken;
            lock (samples) taken = samples.ToList();
            foreach (var s in taken.Where((_, i) => i % Math.Max(1, taken.Count / 10) == 0 || i == taken.Count - 1))
                output.WriteLine($"  {s.Seconds,6:F0} s: managed heap {s.HeapMb,7:F1} MB, working set {s.WorkingSetMb,7:F1} MB");
            output.WriteLine($"Reproduce: ./fedhealth bench soak --rounds {rounds} --dropout {dropout} --deadline-seconds {deadline.TotalSeconds:F0}");
        }
        finally { Directory.Delete(dataDir, recursive: true); }
    }

    private static double Percentile(IReadOnlyList<double> sorted, double p) => sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p * sorted.Count) - 1)];
}
