using System.Globalization;
using FedHealth.Cli.Local;
using FedHealth.Contracts;
using FedHealth.Learning.Data;
using FedHealth.Learning.Metrics;
using FedHealth.Learning.Torch;
using TorchSharp;
using static TorchSharp.torch;

namespace FedHealth.Cli.Bench;

/// <summary>
/// What federating gains each hospital: the federated global model, the pooled model (all rows in one place) and
/// each site's purely local model, all with the same model and epochs, each scored on every site's held-out rows.
/// With several seeds, each seed runs all of them again and the figures are summarised as mean ± sd over the seeds.
/// </summary>
public static class FederationBench
{
    /// <summary>What one bench run was asked for.</summary>
    public sealed record Settings(string Federation, int Rounds, IReadOnlyList<int> Seeds, string Model, int Epochs = 1, double LearningRate = 0.05,
        int BatchSize = 32)
    {
        /// <summary>The layers of a declared model (<c>--model declared --layers FILE</c>), and the file they came from.</summary>
        public IReadOnlyList<LayerSpec>? Layers { get; init; }
        public string? LayersPath { get; init; }
    }

    /// <summary>One model's figures from one seed: on each site's held-out rows, and on all of them.</summary>
    /// <param name="Others">The task's other figures on all held-out rows (multiclass: balanced accuracy, macro AUC; regression: MAE, R²).</param>
    private sealed record Line(string Name, IReadOnlyDictionary<string, double> Sites, double All, IReadOnlyList<(string Name, double Value)> Others);

    public static async Task<int> Run(Settings settings, TextWriter output, CancellationToken cancellation)
    {
        var federationDir = LocalRunOptions.ShippedFederation(settings.Federation);
        var seeds = new List<(int Seed, IReadOnlyList<Line> Lines)>();
        LocalRunResult? run = null;
        foreach (var seed in settings.Seeds)
        {
            var dataDir = Directory.CreateTempSubdirectory("fedhealth-bench-").FullName;
            try
            {
                output.WriteLine($"Running the {settings.Federation} federation: {settings.Rounds} rounds, {settings.Model}, seed {seed} ...");
                run = await new LocalFederation(new LocalRunOptions
                {
                    Rounds = settings.Rounds, Seed = seed, Model = settings.Model, Layers = settings.Layers, Headless = true, DataDir = dataDir,
                    FederationDir = federationDir,
                    LocalEpochs = settings.Epochs, LearningRate = settings.LearningRate, BatchSize = settings.BatchSize,
                }, TextWriter.Null).Run(cancellation);
                var lines = Lines(run, dataDir);
                seeds.Add((seed, lines));
                if (settings.Seeds.Count == 1) PrintSeed(run, lines, settings, seed, output);
                else
                    output.WriteLine($"  seed {seed}: {Metric(run)} federated {lines[0].All:F4}, pooled {lines[1].All:F4}, " +
                        $"federated - pooled {lines[0].All - lines[1].All:+0.0000;-0.0000;+0.0000}");
            }
            finally
            {
                Directory.Delete(dataDir, recursive: true);
            }
        }
        if (settings.Seeds.Count > 1) PrintSummary(run!, seeds, settings, output);
        PrintFooter(run!, settings, output);
        return 0;
    }

    private static string Metric(LocalRunResult run) => FederationSummary.MetricName(run.Spec.Model.Task);

    /// <summary>The federated model (its last round), the pooled model and each site's local model, each on every site's held-out rows.</summary>
    /// <param name="dataDir">The run's data directory, where the federated model was saved.</param>
    private static IReadOnlyList<Line> Lines(LocalRunResult run, string dataDir)
    {
        var task = run.Spec.Model.Task;
        var tests = run.Sites.Select(s => (s.Id, s.Split.Test)).ToList();
        var allTests = TabularData.Concat(run.Sites.Select(s => s.Split.Test).ToList());
        var last = run.Rounds[^1];
        using var federated = ModelFiles.Load(Path.Combine(dataDir, "models", $"{run.Summary.JobId}.pt"), run.Spec.Model, run.Spec.FeatureNames);
        var lines = new List<Line>
        {
            new("federated (secure FedAvg)", BySite(last.Sites, task), PrimaryFigure.ValueOf(task, last.Global),
                [.. Others(task, last.Global), .. Exact(task, federated, allTests)]),
        };
        var pooled = CentralTraining.Train(run.Spec.Model, run.Spec.Training, run.Spec.Rounds, run.Spec.Seed,
            TabularData.Concat(run.Sites.Select(s => s.Split.Train).ToList()));
        var (pooledAll, pooledSites) = CentralTraining.Score(pooled, tests, task);
        lines.Add(new("pooled (central)", BySite(pooledSites, task), PrimaryFigure.ValueOf(task, pooledAll),
            [.. Others(task, pooledAll), .. Exact(task, pooled, allTests)]));
        foreach (var site in run.Sites)
        {
            var local = CentralTraining.Train(run.Spec.Model, run.Spec.Training, run.Spec.Rounds, run.Spec.Seed, site.Split.Train);
            var (all, sites) = CentralTraining.Score(local, tests, task);
            lines.Add(new($"local {site.Id}", BySite(sites, task), PrimaryFigure.ValueOf(task, all), Others(task, all)));
        }
        return lines;
    }

    private static IReadOnlyList<(string, double)> Others(string task, ModelMetrics? m) => task switch
    {
        ModelTasks.Multiclass => [("balanced accuracy", m?.Multiclass?.BalancedAccuracy ?? double.NaN), ("macro AUC", m?.Multiclass?.MacroAuc ?? double.NaN)],
        ModelTasks.Regression => [("MAE", m?.Regression?.Mae ?? double.NaN), ("R²", m?.Regression?.R2 ?? double.NaN)],
        _ => [],
    };

    /// <summary>
    /// Multiclass: the macro one-vs-rest AUC over every site's held-out rows put together, which only this harness can
    /// compute (no site sees another's rows): what the sites' coarsened histograms estimate, so the two show what the
    /// small-cell floor costs.
    /// </summary>
    private static IReadOnlyList<(string, double)> Exact(string task, nn.Module<Tensor, Tensor> model, TabularData test)
    {
        if (task != ModelTasks.Multiclass) return [];
        var classes = test.LabelTask.Classes;
        var outputs = ModelEvaluator.Outputs(model, test, CPU);
        var probabilities = new float[outputs.Length];
        for (var row = 0; row < test.Rows; row++)
        {
            var logits = outputs.AsSpan(row * classes, classes);
            var top = logits.ToArray().Max();
            var sum = 0.0;
            foreach (var z in logits) sum += Math.Exp(z - top);
            for (var c = 0; c < classes; c++) probabilities[row * classes + c] = (float)(Math.Exp(logits[c] - top) / sum);
        }
        var exact = MulticlassMetrics.Evaluate(probabilities, test.Labels, classes, minCell: 1).Metrics.Multiclass!.MacroAuc;
        return [("macro AUC exact (harness: rows put together)", exact)];
    }

    /// <summary>The federated and pooled models' other figures on all held-out rows, each as mean ± sd over the seeds.</summary>
    private static void PrintOthers(IReadOnlyList<IReadOnlyList<Line>> seeds, TextWriter output)
    {
        if (seeds[0][0].Others.Count == 0) return;
        foreach (var at in new[] { 0, 1 })
            output.WriteLine($"{seeds[0][at].Name} on all held-out rows: " + string.Join(", ", seeds[0][at].Others.Select((o, i) =>
                $"{o.Name} {MeanSd(seeds.Select(x => x[at].Others[i].Value))}")));
    }

    private static IReadOnlyDictionary<string, double> BySite(IEnumerable<SiteEvaluation> sites, string task) =>
        sites.ToDictionary(e => e.SiteId, e => PrimaryFigure.ValueOf(task, e.Metrics));

    private static string Header(LocalRunResult run, int width) =>
        $"{"model",-26}" + string.Join("", run.Sites.Select(s => s.Id.PadLeft(width))) + "all held-out".PadLeft(width);

    private static string HeldOutRows(LocalRunResult run, int width) =>
        $"{"held-out rows",-26}" + string.Join("", run.Sites.Select(s => $"{s.Split.Test.Rows}".PadLeft(width))) +
        $"{run.Sites.Sum(s => s.Split.Test.Rows)}".PadLeft(width);

    private static string Plan(LocalRunResult run, Settings settings) =>
        $"{settings.Model}, {settings.Rounds} rounds x {settings.Epochs} epoch, " +
        $"learning rate {settings.LearningRate.ToString(CultureInfo.InvariantCulture)}, batch {settings.BatchSize}";

    private static void PrintSeed(LocalRunResult run, IReadOnlyList<Line> lines, Settings settings, int seed, TextWriter output)
    {
        output.WriteLine();
        output.WriteLine($"Held-out {Metric(run)}, rows = model, columns = site whose held-out rows score it ({Plan(run, settings)}, seed {seed}):");
        output.WriteLine(Header(run, 16));
        foreach (var line in lines)
            output.WriteLine($"{line.Name,-26}" + string.Join("", run.Sites.Select(s => $"{line.Sites[s.Id],16:F4}")) + $"{line.All,16:F4}");
        output.WriteLine(HeldOutRows(run, 16));
        output.WriteLine($"federated - pooled on all held-out rows: {lines[0].All - lines[1].All:+0.0000;-0.0000;+0.0000}");
        PrintOthers([lines], output);
    }

    private static void PrintSummary(LocalRunResult run, IReadOnlyList<(int Seed, IReadOnlyList<Line> Lines)> seeds, Settings settings,
        TextWriter output)
    {
        const int width = 17;
        output.WriteLine();
        output.WriteLine($"Held-out {Metric(run)}, mean ± sd over seeds {string.Join(" ", settings.Seeds)}, rows = model, columns = site whose " +
            $"held-out rows score it ({Plan(run, settings)}):");
        output.WriteLine(Header(run, width));
        for (var i = 0; i < seeds[0].Lines.Count; i++)
        {
            var at = i;
            output.WriteLine($"{seeds[0].Lines[i].Name,-26}" +
                string.Join("", run.Sites.Select(s => MeanSd(seeds.Select(x => x.Lines[at].Sites[s.Id])).PadLeft(width))) +
                MeanSd(seeds.Select(x => x.Lines[at].All)).PadLeft(width));
        }
        output.WriteLine(HeldOutRows(run, width));
        output.WriteLine($"federated - pooled on all held-out rows: {MeanSd(seeds.Select(x => x.Lines[0].All - x.Lines[1].All), signed: true)} " +
            $"(mean ± sd over {seeds.Count} seeds{(PrimaryFigure.HigherIsBetterFor(run.Spec.Model.Task) ? "" : $"; {Metric(run)}: lower is better")})");
        PrintOthers(seeds.Select(x => x.Lines).ToList(), output);
        output.WriteLine("A seed sets the initial weights and the order of training; each site's held-out rows are the same in every seed (its splitSeed). " +
            "A site's figure is left out of its mean where it is undefined (n/a: no comparable pair or one class among its held-out rows).");
    }

    /// <summary>Mean ± sample sd of the defined figures, with the count where some seeds had none.</summary>
    private static string MeanSd(IEnumerable<double> values, bool signed = false)
    {
        var all = values.ToList();
        var xs = all.Where(double.IsFinite).ToList();
        if (xs.Count == 0) return "n/a";
        var mean = xs.Average();
        var sd = xs.Count > 1 ? Math.Sqrt(xs.Sum(x => (x - mean) * (x - mean)) / (xs.Count - 1)) : 0;
        var text = (signed ? $"{mean:+0.0000;-0.0000;+0.0000}" : $"{mean:F4}") + $"±{sd:F4}";
        return xs.Count < all.Count ? $"{text} ({xs.Count})" : text;
    }

    private static void PrintFooter(LocalRunResult run, Settings settings, TextWriter output)
    {
        var simulated = run.Sites.Where(s => s.Config.Site.Simulated).ToList();
        if (simulated.Count > 0)
            output.WriteLine($"Simulated sites (not one real hospital each): " +
                string.Join("; ", simulated.Select(s => $"{s.Id} ({s.Config.Site.Description})")) + ".");
        var seeds = settings.Seeds.Count == 1 ? $"--seed {settings.Seeds[0]}" : $"--seeds {string.Join(" ", settings.Seeds)}";
        var plan = (settings.Epochs == 1 ? "" : $" --epochs {settings.Epochs}")
            + (settings.LearningRate == 0.05 ? "" : $" --learning-rate {settings.LearningRate.ToString(CultureInfo.InvariantCulture)}")
            + (settings.BatchSize == 32 ? "" : $" --batch-size {settings.BatchSize}");
        output.WriteLine($"Reproduce: ./fedhealth bench federation --federation {settings.Federation} --rounds {settings.Rounds} {seeds} " +
            $"--model {settings.Model}{(settings.LayersPath is { } layers ? $" --layers {layers}" : "")}{plan}");
    }
}
