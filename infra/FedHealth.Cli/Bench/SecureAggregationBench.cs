using System.CommandLine;
using System.Diagnostics;
using System.Security.Cryptography;
using FedHealth.Contracts;
using FedHealth.Coordinator.Aggregation;
using FedHealth.Learning.Codec;
using FedHealth.Learning.Data;
using FedHealth.Learning.Torch;
using FedHealth.Privacy.Crypto;
using FedHealth.Privacy.SecureAggregation;

namespace FedHealth.Cli.Bench;

/// <summary>
/// One aggregation round of a 1M-parameter model, secure against plain, with every party in this process, one
/// party after another, each using the machine's cores as it would its own. Plain: each site encodes its weights (float32 + SHA-256), the coordinator checks
/// and folds them. Secure: the whole protocol, keys to unmasking. Printed as the sum over all parties, and as the
/// critical path when sites work in parallel (the slowest site plus the coordinator).
/// </summary>
public static class SecureAggregationBench
{
    public static Command Command()
    {
        var parameters = new Option<int>("--parameters") { Description = "Model size", DefaultValueFactory = _ => 1_000_000 };
        var sites = new Option<int[]>("--sites")
        {
            Description = "Site counts", DefaultValueFactory = _ => [10, 25, 50],
            AllowMultipleArgumentsPerToken = true
        };
        var repeat = new Option<int>("--repeat")
        {
            Description = "Rounds run at each size; each party's best of them is reported (of plain and of secure alike)",
            DefaultValueFactory = _ => 3,
        };
        var command = new Command("secure-aggregation",
            "Secure aggregation overhead against plain FedAvg for one round of a large model.") { parameters, sites, repeat };
        command.SetAction(result =>
        {
            Run(result.GetValue(parameters), result.GetValue(sites)!, Console.Out, Math.Max(1, result.GetValue(repeat)));
            return 0;
        });
        return command;
    }

    public static void Run(int parameters, IReadOnlyList<int> siteCounts, TextWriter output, int repeat = 1)
    {
        var training = LocalEpochSeconds(parameters, out var hidden);
        var bytes = (parameters + 1L) * sizeof(ulong);
        var limits = MachineLimits.Measure(bytes);
        output.WriteLine($"One round, {parameters:N0} parameters ({bytes / 1e6:F1} MB a masked update), all parties in one process one after another, each " +
            $"on this machine's {Environment.ProcessorCount} cores. Local training: one epoch of an MLP (8 -> {hidden:N0} -> 1) on the 914 training rows " +
            $"of NL-ROTTERDAM-C took {training:F2} s.");
        output.WriteLine($"This machine, one core, on {bytes / 1e6:F1} MB buffers: AES-256 keystream {limits.KeystreamGBps:F2} GB/s " +
            "(OpenSSL ECB over counters), " +
            $"{limits.FusedKeystreamGBps:F2} GB/s (AES-NI CTR added into the vector), AES-256-GCM open {limits.GcmGBps:F2} GB/s, fused float32 " +
            $"acc += w*update {limits.FoldGBps:F2} GB/s.");
        output.WriteLine($"{"sites",6}{"all parties: plain s",22}{"secure s",10}{"ratio",8}{"critical path: plain s",24}{"secure s",10}{"ratio",8}" +
            $"{"round incl. training",22}{"coordinator s",15}{"limit s",9}{"x limit",9}");
        WarmUp(parameters);
        var breakdowns = new List<string>();
        foreach (var n in siteCounts)
        {
            var updates = Enumerable.Range(0, n).Select(i => RandomUpdate(parameters, i)).ToList();
            // On a shared machine another process can take a core mid-measurement: each party's best of a few rounds is its work's own time.
            var plain = Timing.Best(Enumerable.Range(0, repeat).Select(_ => Plain(updates)).ToList());
            var secure = SecureRoundTimings.Best(Enumerable.Range(0, repeat).Select(_ => SecureRoundTimings.Run(updates)).ToList());
            var roundRatio = (training + secure.CriticalPath) / (training + plain.CriticalPath);
            var limit = limits.CoordinatorSeconds(n, bytes);
            output.WriteLine($"{n,6}{plain.Total,22:F3}{secure.AllParties,10:F3}{secure.AllParties / plain.Total,7:F1}x" +
                             $"{plain.CriticalPath,24:F3}{secure.CriticalPath,10:F3}{secure.CriticalPath / plain.CriticalPath,7:F2}x{roundRatio,21:F2}x" +
                             $"{secure.CoordinatorTotal,15:F3}{limit,9:F3}{secure.CoordinatorTotal / limit,8:F2}x");
            breakdowns.Add($"{n,6} sites: coordinator {Breakdown(secure.Coordinator)}; " +
                $"slowest site ({secure.SlowestSite}) {Breakdown(secure.Sites[secure.SlowestSite])}");
        }
        output.WriteLine("Where the secure time went, step by step (s):");
        foreach (var line in breakdowns) output.WriteLine(line);
        output.WriteLine("all parties: every party's aggregation work added up (sites and coordinator). Critical path: the slowest site's");
        output.WriteLine("aggregation work plus all of the coordinator's, as when sites run in parallel. Round incl. training: critical path plus one");
        output.WriteLine("local epoch, secure over plain. Limit: one core opening (GCM), unmasking (keystream) and folding every update at the speeds above;");
        output.WriteLine("x limit: the coordinator's measured secure work over that (it may use every core, so it can be below 1).");
        output.WriteLine($"Each party's figure is its best of {repeat} rounds at each size (plain and secure alike). Load average when done: " +
            $"{LoadAverage()} (on {Environment.ProcessorCount} cores).");
        output.WriteLine($"Reproduce: ./fedhealth bench secure-aggregation --parameters {parameters} --sites {string.Join(" ", siteCounts)} --repeat {repeat}");
    }

    /// <summary>The machine's load (1, 5, 15 minutes) where Linux tells it: how far the figures may be from a quiet machine's.</summary>
    internal static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(" ", File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "unknown";

    private static string Breakdown(Dictionary<string, double> steps) => string.Join(", ", steps.Select(p => $"{p.Key} {p.Value:F3}"));

    /// <summary>A plain round's work: each site's (encoding its update) and the coordinator's (checking and folding them all).</summary>
    internal sealed record Timing(IReadOnlyList<double> Sites, double Coordinator)
    {
        public double Total => Sites.Sum() + Coordinator;
        public double CriticalPath => Sites.Max() + Coordinator;

        /// <summary>Each party's best of several rounds of the same work.</summary>
        public static Timing Best(IReadOnlyList<Timing> runs) =>
            new(Enumerable.Range(0, runs[0].Sites.Count).Select(i => runs.Min(r => r.Sites[i])).ToList(), runs.Min(r => r.Coordinator));
    }

    /// <summary>One local epoch of a model of about <paramref name="parameters"/> parameters on one simulated hospital's rows.</summary>
    private static double LocalEpochSeconds(int parameters, out int hidden)
    {
        var federation = Local.LocalRunOptions.DefaultFederationDir();
        var data = SchemaReader.Read(Path.Combine(federation, "data", "rotterdam-netherlands.csv"),
            SchemaFile.Load(Path.Combine(federation, "schema.rotterdam.json")),
            new RowFilter { Column = "year", Min = 1989 });
        var split = TrainTestSplit.Stratified(data, 0.3, 1);
        hidden = Math.Max(1, (parameters - 1) / (data.Width + 2));
        var spec = new ModelSpec { Kind = "mlp", Features = data.Width, HiddenUnits = hidden };
        using var model = TorchModels.Create(spec);
        return LocalTrainer.Train(model, split.Train, new TrainingPlan { LocalEpochs = 1 }, 1, TorchSharp.torch.CPU).Seconds;
    }

    /// <summary>One small round of each kind first, so no party's figure includes compiling the code it runs.</summary>
    internal static void WarmUp(int parameters)
    {
        var updates = Enumerable.Range(0, 5).Select(i => RandomUpdate(Math.Min(parameters, 50_000), i)).ToList();
        Plain(updates);
        SecureRoundTimings.Run(updates);
        var roster = Enumerable.Range(0, 5).Select(i => $"S{i:D3}").ToList();
        SecureRoundTimings.Run(updates, (_, s) => s with { Graph = MaskingGraph.Sparse, Neighbours = 2, Threshold = 2, Roster = roster });
    }

    internal static float[] RandomUpdate(int length, int seed)
    {
        var random = new Random(seed);
        var values = new float[length];
        for (var i = 0; i < length; i++) values[i] = (float)(random.NextDouble() - 0.5);
        return values;
    }

    internal static Timing Plain(IReadOnlyList<float[]> updates)
    {
        var siteSeconds = new List<double>();
        var payloads = new List<TensorPayload>();
        foreach (var u in updates)
        {
            PartyHeaps.Separate();
            var watch = Stopwatch.StartNew();
            payloads.Add(TensorCodec.Encode("w", [u.Length], u));
            siteSeconds.Add(watch.Elapsed.TotalSeconds);
        }
        PartyHeaps.Separate();
        var coordinator = Stopwatch.StartNew();
        var average = new WeightedAverage(updates[0].Length);
        var buffer = new float[updates[0].Length];
        foreach (var p in payloads)
        {
            TensorCodec.DecodeInto(p, buffer);
            average.Add(buffer, 100);
        }
        average.Result();
        var coordinatorSeconds = coordinator.Elapsed.TotalSeconds;
        return new Timing(siteSeconds, coordinatorSeconds);
    }

}
