using System.CommandLine;
using System.Diagnostics;
using FedHealth.Cli.Images;
using FedHealth.Cli.Local;
using FedHealth.Contracts;
using FedHealth.Learning.Images;
using FedHealth.Learning.Models;
using FedHealth.Learning.Strategies;
using FedHealth.Learning.Torch;
using static TorchSharp.torch;

namespace FedHealth.Cli.Bench;

/// <summary>
/// Issue 17's image benchmark on the fashion-mnist federation (Fashion-MNIST: a standard image benchmark, NOT medical
/// data; 10 simulated sites, Dirichlet(0.5) label skew, FMNIST-10's images darker). Every federated run is a real local
/// federation under secure aggregation and is set against pooled training of the same model for the same epochs
/// (`fedhealth local`'s own baseline): the small CNN with FedAvg and with FedAdam; the small CNN with batch norm with
/// FedAvg, with FedBN, and with FedBN and FedAdam together; the small CNN under DP-SGD at ε 8 and 3. Then a site's memory and step time training the small
/// CNN and the 11 M-parameter ResNet-18 on its streamed images.
/// </summary>
public static class ImageBench
{
    public sealed record Settings(int? ImagesPerSite, int Rounds, int Epochs, double LearningRate, int BatchSize, int Seed, double ServerLearningRate,
        double DpSamplingRate, double DpLearningRate, IReadOnlyList<string> Runs, int MemorySteps);

    private sealed record RunSpec(string Name, string Model, bool BatchNorm, StrategySpec Strategy, double? Epsilon = null);

    public static readonly IReadOnlyList<string> AllRuns = ["fedavg", "fedadam", "fedavg-bn", "fedbn", "fedbn-adam", "dp8", "dp3"];

    public static Command Command()
    {
        var perSite = new Option<int?>("--images-per-site") { Description = "About this many images a site (a random subset; default: all 60,000 split)" };
        var rounds = new Option<int>("--rounds") { Description = "Federated rounds", DefaultValueFactory = _ => 10 };
        var epochs = new Option<int>("--epochs") { Description = "Local epochs per round", DefaultValueFactory = _ => 1 };
        var learningRate = new Option<double>("--learning-rate") { Description = "SGD learning rate", DefaultValueFactory = _ => 0.05 };
        var batchSize = new Option<int>("--batch-size") { Description = "Mini-batch size", DefaultValueFactory = _ => 32 };
        var seed = new Option<int>("--seed") { Description = "Seed", DefaultValueFactory = _ => 1 };
        var serverLr = StrategyOptions.ServerLearningRate("fedadam's server learning rate");
        serverLr.DefaultValueFactory = _ => 0.01;
        var dpRate = new Option<double>("--dp-sampling-rate") { Description = "DP-SGD's Poisson sampling rate", DefaultValueFactory = _ => 0.02 };
        var dpLr = new Option<double>("--dp-learning-rate") { Description = "DP-SGD's learning rate", DefaultValueFactory = _ => 0.5 };
        var runs = new Option<string[]>("--runs")
        {
            Description = $"Which runs: {string.Join(", ", AllRuns)}", DefaultValueFactory = _ => [.. AllRuns], AllowMultipleArgumentsPerToken = true,
        };
        runs.AcceptOnlyFromAmong([.. AllRuns]);
        var memorySteps = new Option<int>("--memory-steps")
        {
            Description = "Training steps timed per model for a site's memory (0 skips it)", DefaultValueFactory = _ => 5,
        };
        var command = new Command("images", "Fashion-MNIST (not medical) across 10 skewed sites: FedAvg, FedAdam, FedBN and DP-SGD against pooled training, " +
            "and a site's memory and step time for the small CNN and ResNet-18.")
        {
            perSite, rounds, epochs, learningRate, batchSize, seed, serverLr, dpRate, dpLr, runs, memorySteps,
        };
        command.SetAction(async (result, cancellation) => await Run(new Settings(result.GetValue(perSite), result.GetValue(rounds), result.GetValue(epochs),
            result.GetValue(learningRate), result.GetValue(batchSize), result.GetValue(seed), result.GetValue(serverLr), result.GetValue(dpRate),
            result.GetValue(dpLr), result.GetValue(runs)!, result.GetValue(memorySteps)), Console.Out, cancellation));
        return command;
    }

    public static async Task<int> Run(Settings settings, TextWriter output, CancellationToken cancellation)
    {
        var work = Directory.CreateTempSubdirectory("fedhealth-images-").FullName;
        try
        {
            var shipped = LocalRunOptions.ShippedFederation("fashion-mnist");
            var federation = settings.ImagesPerSite is null ? shipped : FederationCut.Make(shipped, Path.Combine(work, "federation"), settings.ImagesPerSite);
            ImagePartition.EnsureData(federation, output);
            var layers = DeclaredLayers.Read(ModelKinds.Declared, Path.Combine(federation, "cnn-bn.layers.json"));
            var siteCount = Directory.GetFiles(Path.Combine(federation, "sites")).Length;
            output.WriteLine($"Fashion-MNIST (a standard image benchmark, not medical data) on {siteCount} " +
                $"simulated sites, {settings.Rounds} rounds of {settings.Epochs} epoch(s), batch {settings.BatchSize}, seed {settings.Seed}; " +
                $"{get_num_threads()} libtorch threads on {Environment.ProcessorCount} cores; secure aggregation on every run.");
            output.WriteLine($"{"run",-28}{"model",-10}{"params",9}{"federated",11}{"pooled",9}{"fed-pooled",11}{"s/round",9}{"peak MB",9}" +
                "  per-site accuracy (sites in order)");
            foreach (var run in Runs(settings).Where(r => settings.Runs.Contains(r.Name)))
            {
                var options = new LocalRunOptions
                {
                    Rounds = settings.Rounds, Seed = settings.Seed, Headless = true, DataDir = Path.Combine(work, run.Name), FederationDir = federation,
                    Model = run.BatchNorm ? ModelKinds.Declared : run.Model, Layers = run.BatchNorm ? layers : null, LocalEpochs = settings.Epochs,
                    BatchSize = settings.BatchSize, Strategy = run.Strategy, DpEpsilon = run.Epsilon, DpSamplingRate = settings.DpSamplingRate,
                    LearningRate = run.Epsilon is null ? settings.LearningRate : settings.DpLearningRate, RoundDeadline = TimeSpan.FromMinutes(30),
                };
                var reset = ProcessMemory.ResetPeak();
                var result = await new LocalFederation(options, TextWriter.Null).Run(cancellation);
                var peak = ProcessMemory.PeakMb();
                var federated = result.Rounds[^1].Global!.Accuracy;
                var pooled = result.Summary.PooledBaseline.Figure;
                var parameters = ParameterLayout.For(result.Spec.Model).TotalCount;
                var perSite = string.Join(" ", result.Rounds[^1].Sites.OrderBy(s => s.SiteId, StringComparer.Ordinal).Select(s => $"{s.Metrics.Accuracy:F3}"));
                output.WriteLine($"{run.Name + Describe(run, result),-28}{(run.BatchNorm ? "cnn-bn" : run.Model),-10}{parameters,9:N0}{federated,11:F4}" +
                    $"{pooled,9:F4}{federated - pooled,11:+0.0000;-0.0000}{result.Rounds.Average(r => r.Seconds),9:F1}{(reset ? $"{peak:F0}" : "-"),9}" +
                    $"  {perSite}");
                if (result.Summary.Outcome != "completed") output.WriteLine($"  the job {result.Summary.Outcome}");
            }
            output.WriteLine("federated: the global model's accuracy on every site's held-out images pooled (for FedBN each site scores it with its " +
                "own batch-norm statistics); pooled: the same model trained on all sites' training images together for the same epochs (never private); " +
                "peak MB: this process's peak resident memory during the run (all 10 sites, the coordinator and the pooled baseline in one process).");
            if (settings.MemorySteps > 0) SiteMemory(federation, settings, output);
            var cut = settings.ImagesPerSite is { } n ? $" --images-per-site {n}" : "";
            output.WriteLine($"Reproduce: ./fedhealth bench images{cut} --rounds {settings.Rounds} " +
                $"--epochs {settings.Epochs} --learning-rate {settings.LearningRate} --batch-size {settings.BatchSize} --seed {settings.Seed}");
            return 0;
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    private static string Describe(RunSpec run, LocalRunResult result) => run.Epsilon is { } epsilon
        ? $" (σ {result.Spec.Privacy!.NoiseMultiplier:F2})" : "";

    private static IEnumerable<RunSpec> Runs(Settings s) =>
    [
        new("fedavg", ModelKinds.SmallCnn, false, new StrategySpec()),
        new("fedadam", ModelKinds.SmallCnn, false, new StrategySpec { Name = StrategyNames.FedAdam, ServerLearningRate = s.ServerLearningRate }),
        new("fedavg-bn", ModelKinds.SmallCnn, true, new StrategySpec()),
        new("fedbn", ModelKinds.SmallCnn, true, new StrategySpec { LocalBatchNorm = LocalBatchNorm.Statistics }),
        new("fedbn-adam", ModelKinds.SmallCnn, true,
            new StrategySpec { Name = StrategyNames.FedAdam, ServerLearningRate = s.ServerLearningRate, LocalBatchNorm = LocalBatchNorm.Statistics }),
        new("dp8", ModelKinds.SmallCnn, false, new StrategySpec(), Epsilon: 8),
        new("dp3", ModelKinds.SmallCnn, false, new StrategySpec(), Epsilon: 3),
    ];

    /// <summary>
    /// One site (the first) training each image preset on its streamed images: the resident memory it adds and the time of
    /// a step at the bench's batch size, for the small CNN and the 11 M-parameter ResNet-18. libtorch's allocator keeps
    /// what it freed, so each model's figure is the peak above what the process held before it started.
    /// </summary>
    private static void SiteMemory(string federation, Settings settings, TextWriter output)
    {
        var schema = Directory.GetFiles(Path.Combine(federation, "data"), "*.images.json").Order(StringComparer.Ordinal).First();
        using var images = ImageDataset.Open(schema);
        var rows = images.Rows();
        output.WriteLine($"A site's training on its streamed images ({Path.GetFileName(schema)}: {rows.Rows} images), batch {settings.BatchSize}, " +
            $"{settings.MemorySteps} steps, CPU:");
        foreach (var kind in new[] { ModelKinds.SmallCnn, ModelKinds.ResNet18 })
        {
            GC.Collect();
            var before = ProcessMemory.ResidentMb();
            var reset = ProcessMemory.ResetPeak();
            var spec = new ModelSpec
            {
                Kind = kind, Features = 784, Input = [1, 28, 28], Task = ModelTasks.Multiclass, Classes = images.Schema.Classes.Count,
            };
            using var scope = NewDisposeScope();
            var model = TorchModels.Create(spec);
            ModelParameters.Write(model, FlatParameters.Initial(ParameterLayout.For(spec), settings.Seed));
            var subset = rows.Select(Enumerable.Range(0, Math.Min(rows.Rows, settings.MemorySteps * settings.BatchSize)).ToList());
            var watch = Stopwatch.StartNew();
            var trained = LocalTrainer.Train(model, subset, new TrainingPlan { LocalEpochs = 1, BatchSize = settings.BatchSize, LearningRate = 0.01 },
                settings.Seed, CPU);
            var perStep = watch.Elapsed.TotalSeconds / trained.Steps;
            var peak = ProcessMemory.PeakMb();
            var count = ParameterLayout.For(spec).TotalCount;
            var memory = reset ? $"peak {Math.Max(0, peak - before):F0} MB above the {before:F0} MB before" : "-";
            output.WriteLine($"  {kind,-10}{count,12:N0} parameters ({count * 4 / 1e6:F1} MB as float32): {perStep * 1000:F0} ms a step, " +
                $"resident memory {memory}");
        }
    }
}
