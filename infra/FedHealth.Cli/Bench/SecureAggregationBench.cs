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
        var command = new Command("secure-aggregation",
            "Secure aggregation overhead against plain FedAvg for one round of a large model.") { parameters, sites };
        command.SetAction(result =>
        {
            Run(result.GetValue(parameters), result.GetValue(sites)!, Console.Out);
            return 0;
        });
        return command;
    }

    public static void Run(int parameters, IReadOnlyList<int> siteCounts, TextWriter output)
    {
        var training = LocalEpochSeconds(parameters, out var hidden);
        output.WriteLine($"One round, {parameters:N0} parameters, all parties in one process one after another, each on this machine's " +
            $"{Environment.ProcessorCount} cores. Local training: one epoch of an MLP " +
                         $"(8 -> {hidden:N0} -> 1) on the 914 training rows of NL-ROTTERDAM-C took {training:F2} s.");
        output.WriteLine($"{"sites",6}{"aggregation only: plain s",27}{"secure s",10}{"ratio",8}{"critical path: plain s",24}{"secure s",10}{"ratio",8}" +
            $"{"round incl. training",22}");
        foreach (var n in siteCounts)
        {
            var updates = Enumerable.Range(0, n).Select(i => RandomUpdate(parameters, i)).ToList();
            var plain = Plain(updates);
            var secure = Secure(updates);
            var roundRatio = (training + secure.CriticalPath) / (training + plain.CriticalPath);
            output.WriteLine($"{n,6}{plain.Total,27:F2}{secure.Total,10:F2}{secure.Total / plain.Total,7:F1}x" +
                             $"{plain.CriticalPath,24:F3}{secure.CriticalPath,10:F3}{secure.CriticalPath / plain.CriticalPath,7:F1}x{roundRatio,21:F2}x" +
                             $"   (secure coordinator {secure.Coordinator:F3} s)");
        }
        output.WriteLine("aggregation only: every party's aggregation work added up (sites and coordinator). Critical path: the slowest site's");
        output.WriteLine("aggregation work plus all of the coordinator's, as when sites run in parallel. Round incl. training: critical path plus one");
        output.WriteLine("local epoch, secure over plain.");
        output.WriteLine($"Reproduce: ./fedhealth bench secure-aggregation --parameters {parameters} --sites {string.Join(" ", siteCounts)}");
    }

    private sealed record Timing(double Total, double CriticalPath, double Coordinator = 0);

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

    private static float[] RandomUpdate(int length, int seed)
    {
        var random = new Random(seed);
        var values = new float[length];
        for (var i = 0; i < length; i++) values[i] = (float)(random.NextDouble() - 0.5);
        return values;
    }

    private static Timing Plain(IReadOnlyList<float[]> updates)
    {
        var siteSeconds = new List<double>();
        var payloads = new List<TensorPayload>();
        foreach (var u in updates)
        {
            var watch = Stopwatch.StartNew();
            payloads.Add(TensorCodec.Encode("w", [u.Length], u));
            siteSeconds.Add(watch.Elapsed.TotalSeconds);
        }
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
        return new Timing(siteSeconds.Sum() + coordinatorSeconds, siteSeconds.Max() + coordinatorSeconds);
    }

    private static Timing Secure(IReadOnlyList<float[]> updates)
    {
        var ids = Enumerable.Range(0, updates.Count).Select(i => $"S{i:D3}").ToList();
        var identities = ids.ToDictionary(id => id, _ => SigningKey.Create());
        using var coordinatorKey = KeyAgreement.NewKey();
        var trusted = identities.ToDictionary(p => p.Key, p => p.Value.PublicKey);
        var settings = new SecureRoundSettings
        {
            RoundNonce = RandomNumberGenerator.GetBytes(16), Threshold = updates.Count / 2 + 1, CoordinatorKey = KeyAgreement.PublicKey(coordinatorKey),
        };
        var job = Guid.NewGuid();
        var site = ids.ToDictionary(id => id, _ => 0.0);
        double coordinator = 0;
        T AtSite<T>(string id, Func<T> work) { var w = Stopwatch.StartNew(); var r = work(); site[id] += w.Elapsed.TotalSeconds; return r; }
        T AtCoordinator<T>(Func<T> work) { var w = Stopwatch.StartNew(); var r = work(); coordinator += w.Elapsed.TotalSeconds; return r; }

        var clients = ids.ToDictionary(id => id, id => new SecureRoundClient(id, identities[id], trusted, job, 1, settings, 3));
        var server = new SecureRoundServer(job, 1, settings, ids, trusted, coordinatorKey, updates[0].Length + 1);
        // Each party's work is timed on its own: a site's message is made first, then the coordinator takes it.
        foreach (var id in ids) { var m = AtSite(id, () => clients[id].Advertise()); Require(AtCoordinator(() => server.Accept(m))); }
        var collected = AtCoordinator(() => server.CloseKeys());
        foreach (var id in ids) { var m = AtSite(id, () => clients[id].OnKeysCollected(collected)); Require(AtCoordinator(() => server.Accept(m))); }
        var relayed = AtCoordinator(() => server.CloseShares());
        for (var i = 0; i < ids.Count; i++)
        {
            var id = ids[i];
            var update = updates[i];
            var masked = AtSite(id, () =>
            {
                var input = new ulong[update.Length + 1];
                SecureRing.Wide.EncodeAll(update, 100.0, updates.Count, input);
                input[^1] = FixedPointRing.Encode(100);
                return clients[id].OnSharesRelayed(relayed, input, 0.5, "cpu", null);
            });
            Require(AtCoordinator(() => server.Accept(masked)));
        }
        var request = AtCoordinator(() => server.CloseMasked());
        foreach (var id in ids) { var m = AtSite(id, () => clients[id].OnUnmaskingRequested(request)); Require(AtCoordinator(() => server.Accept(m))); }
        var sum = AtCoordinator(server.Finish);
        if (Math.Abs(FixedPointRing.Decode(sum[^1]) - 100.0 * updates.Count) > 1e-6) throw new InvalidOperationException("secure sum is wrong");
        foreach (var c in clients.Values) c.Dispose();
        foreach (var i in identities.Values) i.Dispose();
        return new Timing(site.Values.Sum() + coordinator, site.Values.Max() + coordinator, coordinator);
    }

    private static void Require(string? refusal)
    {
        if (refusal is not null) throw new InvalidOperationException(refusal);
    }
}
