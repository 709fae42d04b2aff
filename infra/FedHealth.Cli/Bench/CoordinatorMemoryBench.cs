using System.CommandLine;
using FedHealth.Contracts;
using FedHealth.Coordinator.Jobs;
using FedHealth.Learning.Models;

namespace FedHealth.Cli.Bench;

/// <summary>
/// The coordinator's memory for one round as sites report in: the job's state (what a job actor holds) takes one
/// update after another from many simulated sites, and the managed heap is measured as it goes. Streaming
/// aggregation should keep it at about one model's worth whatever the number of sites.
/// </summary>
public static class CoordinatorMemoryBench
{
    public static Command Command()
    {
        var sites = new Option<int>("--sites") { Description = "Simulated sites", DefaultValueFactory = _ => 200 };
        var hidden = new Option<int>("--hidden")
        {
            Description = "MLP hidden units (8 features); 100000 is about 1M parameters",
            DefaultValueFactory = _ => 100_000
        };
        var command = new Command("coordinator-memory", "Coordinator memory during one round with many sites (streaming aggregation).") { sites, hidden };
        command.SetAction(result => { Run(result.GetValue(sites), result.GetValue(hidden), Console.Out); return 0; });
        return command;
    }

    public static void Run(int siteCount, int hidden, TextWriter output)
    {
        var model = new ModelSpec { Kind = "mlp", Features = 8, HiddenUnits = hidden };
        var layout = ParameterLayout.For(model);
        var modelMb = layout.TotalCount * 4 / 1e6;
        var ids = Enumerable.Range(0, siteCount).Select(i => $"S{i:D3}").ToList();
        var spec = new JobSpec
        {
            Name = "memory", Schema = "bench", FeatureNames = Enumerable.Range(0, 8).Select(i => $"f{i}").ToList(), Model = model,
            Rounds = 1, MinSites = siteCount, SecureAggregation = false, RoundDeadline = TimeSpan.FromHours(1),
        };
        var job = Guid.NewGuid();
        var state = new JobState();
        var now = DateTimeOffset.UtcNow;
        foreach (var e in JobState.Create(job, spec, ids, now)) state.Apply(e);
        var baseline = Heap();
        var peak = 0.0;
        output.WriteLine(
            $"One round, {siteCount} sites, {layout.TotalCount:N0} parameters ({modelMb:F1} MB as float32); managed heap above the round's start:");
        var random = new Random(1);
        for (var i = 0; i < ids.Count; i++)
        {
            var values = new float[layout.TotalCount];
            for (var k = 0; k < values.Length; k++) values[k] = (float)(random.NextDouble() - 0.5);
            var update = new UpdateSubmitted
            {
                JobId = job, Round = 1, SiteId = ids[i], SampleCount = 100, Weights = new FlatParameters(layout, values).ToWeights(),
                TrainLoss = 0.5, Device = "cpu", TrainSeconds = 0,
            };
            var decision = state.OnUpdate(update, now);
            if (decision.Refusal is { } refused) throw new InvalidOperationException(refused);
            foreach (var e in decision.Events) state.Apply(e);
            if ((i + 1) % Math.Max(1, siteCount / 10) == 0 || i == ids.Count - 1)
            {
                var held = (Heap() - baseline) / 1e6;
                peak = Math.Max(peak, held);
                output.WriteLine($"  after {i + 1,4} sites: {held,8:F1} MB ({held / modelMb:F1} models)");
            }
        }
        output.WriteLine($"peak {peak:F1} MB = {peak / modelMb:F1} x the model, for {siteCount} sites (holding every update would be {siteCount}x); job " +
            $"phase now {state.Phase}");
        output.WriteLine($"Reproduce: ./fedhealth bench coordinator-memory --sites {siteCount} --hidden {hidden}");
    }

    private static long Heap()
    {
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        return GC.GetTotalMemory(forceFullCollection: true);
    }
}
