using FedHealth.Contracts;
using System.CommandLine;
using FedHealth.Cli.Bench;
using FedHealth.Cli.Local;
using FedHealth.Coordinator;
using FedHealth.Coordinator.Hosting;
using FedHealth.Dashboard;
using FedHealth.Learning.Data;
using FedHealth.Learning.Models;
using FedHealth.SiteAgent;

namespace FedHealth.Cli;

/// <summary>The verbs of `./fedhealth`.</summary>
public static class FedHealthCommands
{
    public static RootCommand Root() => new("FedHealth: federated learning across hospitals without moving patient records.")
    {
        Local(),
        Bench(),
        PrivacyCommands.Create(),
        ProvisionCommands.Create(),
        LedgerCommands.Create(),
        AccountCommands.Create(),
        Jobs.JobCommands.Create(),
        PassThrough("coordinator", "Run the coordinator deployable (e.g. --Bus:Transport=RabbitMq --Coordinator:DataDir=DIR).", CoordinatorProgram.RunAsync),
        SiteCommands.Create(),
        PassThrough("dashboard", "Run the dashboard deployable (e.g. --urls http://127.0.0.1:5080 --Bus:Transport=RabbitMq).", DashboardProgram.RunAsync),
    };

    private static Command Local()
    {
        var rounds = new Option<int>("--rounds") { Description = "Federated rounds to train", DefaultValueFactory = _ => 20 };
        var seed = new Option<int>("--seed") { Description = "Seed for initial weights and local training", DefaultValueFactory = _ => 1 };
        var headless = new Option<bool>("--headless") { Description = "No web server; exit when the job ends" };
        var dataDir = new Option<string>("--data-dir")
        {
            Description = "Where the SQLite journal, models and logs go", DefaultValueFactory = _ =>
            CoordinatorOptions.DefaultDataDir()
        };
        var summary = new Option<string?>("--summary") { Description = "Write a JSON summary of the run to this file" };
        var model = new Option<string>("--model")
        {
            Description = "logistic or mlp (presets), small-cnn or resnet18 (image presets), or declared (the layers in --layers)",
            DefaultValueFactory = _ => "logistic"
        };
        model.AcceptOnlyFromAmong([.. ModelKinds.All]);
        var layers = new Option<string?>("--layers")
        {
            Description = "With --model declared: a JSON file listing the layers, e.g. [{\"kind\":\"linear\",\"units\":16},{\"kind\":\"relu\"}," +
                "{\"kind\":\"linear\",\"units\":1}] (docs/models.md)"
        };
        var port = new Option<int>("--port") { Description = "Dashboard port on 127.0.0.1 (0 picks a free one)", DefaultValueFactory = _ => 5080 };
        var federationName = new Option<string>("--federation")
        {
            Description = "A federation in infra/federations: breast-prognosis (recurrence or death within 5 years), breast-prognosis-survival " +
                "(time to recurrence or death: a Cox model, scored by Harrell's C-index), ncctg-lung (survival in advanced lung cancer, one site per " +
                "enrolling institution), wdbc, digits (8x8 handwritten digits, 10 classes: multiclass), pima-glucose (plasma glucose: regression), " +
                "fashion-mnist (images, not medical: 10 sites with label skew, one darker; --model small-cnn), or the path of a federation folder",
            DefaultValueFactory = _ => "breast-prognosis",
        };
        var dpEpsilon = new Option<double?>("--dp-epsilon")
        {
            Description = "Train with DP-SGD: every site gets this ε budget (δ=1e-5) and the noise is set to spend it over the job"
        };
        var plain = new Option<bool>("--plain-aggregation") { Description = "Average plain updates instead of secure aggregation (comparison only)" };
        var ringBits = new Option<int>("--secure-ring-bits")
        {
            Description = "The ring of the secure sum: 64, or 32 (4 bytes a parameter)", DefaultValueFactory = _ => 64,
        };
        ringBits.AcceptOnlyFromAmong("32", "64");
        var secureGraph = new Option<string>("--secure-graph")
        {
            Description = "Who masks with whom in the secure sum: full (every pair) or sparse (SecAgg+: Bell et al.'s k neighbours each)",
            DefaultValueFactory = _ => "full",
        };
        secureGraph.AcceptOnlyFromAmong("full", "sparse");
        var metricsPort = new Option<int?>("--metrics-port")
        {
            Description = "Serve the federation's metrics for Prometheus (/metrics) and its health (/healthz/live, /healthz/ready) on this port of 127.0.0.1",
        };
        var noJob = new Option<bool>("--no-job") { Description = "Launch no job: sign in to the dashboard as a lead and launch jobs there" };
        var job = new Option<string>("--job")
        {
            Description = "The job to run: training, or label-counts (rows per label across the sites, by secure sum)",
            DefaultValueFactory = _ => JobKinds.Training
        };
        job.AcceptOnlyFromAmong([.. JobKinds.All]);
        var strategy = StrategyOptions.Create();
        var command = new Command("local", "Run a whole federation in this process: coordinator, one site agent per hospital, dashboard.")
        {
            rounds, seed, headless, dataDir, summary, model, layers, federationName, port, dpEpsilon, plain, noJob, job, ringBits, secureGraph, metricsPort,
        };
        strategy.AddTo(command);
        command.SetAction(async (result, cancellation) =>
        {
            IReadOnlyList<LayerSpec>? declared;
            string federationDir;
            try
            {
                declared = DeclaredLayers.Read(result.GetValue(model)!, result.GetValue(layers));
                federationDir = LocalRunOptions.ShippedFederation(result.GetValue(federationName)!);
            }
            catch (ArgumentException e)
            {
                await Console.Error.WriteLineAsync($"error: {e.Message}");
                return 1;
            }
            var options = new LocalRunOptions
            {
                Rounds = result.GetValue(rounds), Seed = result.GetValue(seed), Headless = result.GetValue(headless), JobKind = result.GetValue(job)!,
                DataDir = Path.GetFullPath(result.GetValue(dataDir)!), SummaryPath = result.GetValue(summary),
                Model = result.GetValue(model)!, Layers = declared, Port = result.GetValue(port), MetricsPort = result.GetValue(metricsPort),
                FederationDir = federationDir,
                DpEpsilon = result.GetValue(dpEpsilon), PlainAggregation = result.GetValue(plain), SecureRingBits = result.GetValue(ringBits),
                SecureGraph = result.GetValue(secureGraph)!,
                Strategy = strategy.Strategy(result), ProximalMu = strategy.ProximalMu(result), Personalisation = strategy.Personalisation(result),
            };
            var federation = new LocalFederation(options, Console.Out);
            if (result.GetValue(noJob)) return await Guarded(async () => { await federation.Serve(cancellation); return 0; });
            if (options.JobKind == JobKinds.LabelCounts) return await Guarded(() => federation.Count(cancellation));
            return await Guarded(() => federation.Run(cancellation));
        });
        return command;
    }

    private static Command Bench()
    {
        var rounds = new Option<int>("--rounds") { Description = "Federated rounds", DefaultValueFactory = _ => 20 };
        var seed = new Option<int>("--seed") { Description = "Seed (one run; --seeds runs several)", DefaultValueFactory = _ => 1 };
        var seeds = new Option<int[]>("--seeds")
        {
            Description = "Several seeds, e.g. --seeds 1 2 3 4 5: every model is trained once per seed and the figures are given as mean ± sd",
            AllowMultipleArgumentsPerToken = true,
        };
        var model = new Option<string>("--model")
        {
            Description = "logistic or mlp (presets), small-cnn or resnet18 (image presets), or declared (the layers in --layers)",
            DefaultValueFactory = _ => "logistic",
        };
        model.AcceptOnlyFromAmong([.. ModelKinds.All]);
        var layers = new Option<string?>("--layers") { Description = "With --model declared: a JSON file listing the layers (docs/models.md)" };
        var federationName = new Option<string>("--federation")
        {
            Description = "A federation in infra/federations (breast-prognosis, breast-prognosis-survival, ncctg-lung, wdbc, digits, pima-glucose, " +
                "fashion-mnist), or the path of a federation folder",
            DefaultValueFactory = _ => "breast-prognosis",
        };
        var epochs = new Option<int>("--epochs")
        {
            Description = "Local epochs per round (the central models train rounds x epochs)", DefaultValueFactory = _ => 1,
        };
        var learningRate = new Option<double>("--learning-rate") { Description = "SGD learning rate", DefaultValueFactory = _ => 0.05 };
        var batchSize = new Option<int>("--batch-size")
        {
            Description = "Mini-batch size (a Cox model's risk sets lie within a batch: larger batches approach the full partial likelihood)",
            DefaultValueFactory = _ => 32,
        };
        var federation = new Command("federation",
            "Federated vs pooled vs each site alone on a shipped federation, each scored on every site's held-out rows by the task's headline figure " +
                "(AUC; C-index for survival; accuracy for multiclass; RMSE for regression).")
        {
            rounds, seed, seeds, model, layers, federationName, epochs, learningRate, batchSize,
        };
        federation.SetAction(async (result, cancellation) => await Guarded(() =>
        {
            var chosen = result.GetValue(seeds) is { Length: > 0 } several ? several : [result.GetValue(seed)];
            if (result.GetValue(rounds) < 1 || result.GetValue(epochs) < 1 || result.GetValue(batchSize) < 1 || result.GetValue(learningRate) <= 0)
                throw new ArgumentException("--rounds, --epochs and --batch-size must be at least 1 and --learning-rate positive");
            return FederationBench.Run(new FederationBench.Settings(result.GetValue(federationName)!, result.GetValue(rounds), chosen.Distinct().ToList(),
                result.GetValue(model)!, result.GetValue(epochs), result.GetValue(learningRate), result.GetValue(batchSize))
            {
                Layers = DeclaredLayers.Read(result.GetValue(model)!, result.GetValue(layers)), LayersPath = result.GetValue(layers),
            }, Console.Out, cancellation);
        }));
        return new Command("bench", "Benchmarks that print their figures and the command that reproduces them.") { federation, StrategyBench.Command(),
            PrivacyBench.Command(), SmallCellBench.Command(), SecureAggregationBench.Command(), SecureAggregationScaleBench.Command(),
            CoordinatorMemoryBench.Command(), JobRecoveryBench.Command(),
            JournalSizeBench.Command(), JournalGrowthBench.Command(), ReadModelBench.Command(), SoakBench.Command(), DpStepBench.Command(),
            ImageBench.Command() };
    }

    private static Command PassThrough(string name, string description, Func<string[], Task<int>> run)
    {
        var command = new Command(name, description) { TreatUnmatchedTokensAsErrors = false };
        command.SetAction(async (result, _) => await run(result.UnmatchedTokens.ToArray()));
        return command;
    }

    /// <summary>Known failures (bad data, bad config, a refused job) print one clear line and exit 1 instead of a stack trace.</summary>
    private static async Task<int> Guarded<T>(Func<Task<T>> run)
    {
        try
        {
            await run();
            return 0;
        }
        catch (Exception e) when (e is DataException or ArgumentException or InvalidOperationException)
        {
            await Console.Error.WriteLineAsync($"error: {e.Message}");
            return 1;
        }
        catch (OperationCanceledException)
        {
            await Console.Error.WriteLineAsync("stopped");
            return 130;
        }
    }
}
