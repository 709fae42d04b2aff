using System.CommandLine;
using System.Diagnostics;
using FedHealth.Cli.Local;
using FedHealth.Contracts;
using FedHealth.Learning.Data;
using FedHealth.Learning.Models;
using FedHealth.Learning.Torch;
using static TorchSharp.torch;

namespace FedHealth.Cli.Bench;

/// <summary>
/// The price of record-level DP on the breast-prognosis federation: final global AUC at ε = 1, 3, 8 (δ = 1e-5,
/// each site's budget spent over the whole job) and without DP; and the time of a DP-SGD step against a plain one.
/// </summary>
public static class PrivacyBench
{
    public static Command Command()
    {
        var rounds = new Option<int>("--rounds") { Description = "Federated rounds", DefaultValueFactory = _ => 20 };
        var seeds = new Option<int>("--seeds") { Description = "Seeds to average over", DefaultValueFactory = _ => 3 };
        var command = new Command("privacy",
            "Utility cost of DP-SGD (global AUC at ε 1, 3, 8 and without DP) and DP-SGD step time against a plain step.") { rounds, seeds };
        command.SetAction(async (result, cancellation) => await Run(result.GetValue(rounds), result.GetValue(seeds), Console.Out, cancellation));
        return command;
    }

    public static async Task<int> Run(int rounds, int seeds, TextWriter output, CancellationToken cancellation)
    {
        output.WriteLine($"Global AUC on all held-out rows, breast-prognosis federation, logistic, {rounds} rounds, mean ± sd over {seeds} seeds:");
        output.WriteLine($"{"setting",-14}{"noise σ",10}{"AUC",10}{"sd",8}{"max site ε",12}");
        foreach (double? epsilon in new double?[] { null, 8, 3, 1 })
        {
            var aucs = new List<double>();
            double noise = 0, maxEpsilon = 0;
            for (var seed = 1; seed <= seeds; seed++)
            {
                var dataDir = Directory.CreateTempSubdirectory("fedhealth-privacy-bench-").FullName;
                try
                {
                    var run = await new LocalFederation(new LocalRunOptions
                    {
                        Rounds = rounds, Seed = seed, Headless = true, DataDir = dataDir, DpEpsilon = epsilon,
                        FederationDir = LocalRunOptions.DefaultFederationDir(),
                    }, TextWriter.Null).Run(cancellation);
                    aucs.Add(run.Summary.Global.Auc);
                    noise = run.Spec.Privacy?.NoiseMultiplier ?? 0;
                    maxEpsilon = Math.Max(maxEpsilon, run.Rounds[^1].Privacy.Select(p => p.Epsilon).DefaultIfEmpty(0).Max());
                }
                finally { Directory.Delete(dataDir, recursive: true); }
            }
            var (mean, sd) = SeedStatistics.MeanAndSd(aucs);
            output.WriteLine($"{(epsilon is null ? "no DP" : $"ε = {epsilon}"),-14}{(epsilon is null ? "-" : noise.ToString("F3")),10}{mean,10:F4}{sd,8:F4}" +
                $"{(epsilon is null ? "-" : maxEpsilon.ToString("F3")),12}");
        }
        StepTimes(output);
        output.WriteLine($"Reproduce: ./fedhealth bench privacy --rounds {rounds} --seeds {seeds}");
        return 0;
    }

    /// <summary>One epoch of plain SGD (batch 32) against one epoch of DP-SGD (q = 32/N), same rows and model, timed in one run.</summary>
    private static void StepTimes(TextWriter output)
    {
        var federation = LocalRunOptions.DefaultFederationDir();
        var data = SchemaReader.Read(Path.Combine(federation, "data", "rotterdam-netherlands.csv"),
            SchemaFile.Load(Path.Combine(federation, "schema.rotterdam.json")));
        var spec = new ModelSpec { Kind = "logistic", Features = data.Width };
        var plan = new TrainingPlan { LocalEpochs = 1, BatchSize = 32 };
        var dp = new DpSgdSettings { NoiseMultiplier = 1, ClipNorm = 1, SamplingRate = 32.0 / data.Rows };
        double Time(Action<nn.Module<Tensor, Tensor>> train)
        {
            var best = double.MaxValue;
            for (var i = 0; i < 5; i++)
            {
                using var model = TorchModels.Create(spec);
                ModelParameters.Write(model, FlatParameters.Initial(ParameterLayout.For(spec), 1));
                var watch = Stopwatch.StartNew();
                train(model);
                best = Math.Min(best, watch.Elapsed.TotalMilliseconds);
            }
            return best;
        }
        var steps = Math.Ceiling(data.Rows / 32.0);
        var plain = Time(m => LocalTrainer.Train(m, data, plan, 1, CPU)) / steps;
        var privateStep = Time(m => DpSgdTrainer.Train(m, data, plan, dp, 1, CPU)) / DpSgdTrainer.StepsFor(plan, dp);
        output.WriteLine($"Step time, {data.Rows} rows, logistic, expected batch 32, CPU, best of 5: plain SGD {plain:F3} ms, DP-SGD {privateStep:F3} ms " +
            $"({privateStep / plain:F1}x)");
    }
}
