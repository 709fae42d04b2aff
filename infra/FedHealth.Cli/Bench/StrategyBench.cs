using System.CommandLine;
using FedHealth.Cli.Local;
using FedHealth.Contracts;
using FedHealth.Learning.Data;
using FedHealth.Learning.Metrics;
using FedHealth.Learning.Strategies;
using FedHealth.Learning.Torch;

namespace FedHealth.Cli.Bench;

/// <summary>
/// FLamby's comparison, run on FedHealth's own federations: the pooled model, each site's local model and every
/// strategy, over several seeds, each model scored on every site's held-out rows. Each federated run is a whole
/// local federation (coordinator, site agents, bus, journal; secure aggregation unless the strategy needs single
/// updates), not a simulation of one.
/// </summary>
public static class StrategyBench
{
    private sealed record Row(string Name, List<double> All, Dictionary<string, List<double>> Sites);

    public static Command Command()
    {
        var federation = new Option<string>("--federation") { Description = "breast-prognosis or wdbc", DefaultValueFactory = _ => "breast-prognosis" };
        var rounds = new Option<int>("--rounds") { Description = "Federated rounds", DefaultValueFactory = _ => 20 };
        var seeds = new Option<int>("--seeds") { Description = "Seeds 1..N per model", DefaultValueFactory = _ => 5 };
        var model = new Option<string>("--model") { Description = "logistic or mlp", DefaultValueFactory = _ => "logistic" };
        model.AcceptOnlyFromAmong("logistic", "mlp");
        var only = new Option<string[]>("--strategies") { Description = "Only these strategies (default: all)", AllowMultipleArgumentsPerToken = true };
        var noPersonal = new Option<bool>("--no-personalisation") { Description = "Leave out the personalised runs (finetune and ditto on --personal-base)" };
        var personalBase = new Option<string>("--personal-base")
        {
            Description = "The strategy the personalised runs train their global model with",
            DefaultValueFactory = _ => StrategyNames.FedAdam
        };
        personalBase.AcceptOnlyFromAmong([.. StrategyNames.All]);
        var personalModels = new PersonalModelOptions();
        var serverLearningRate = StrategyOptions.ServerLearningRate("Server learning rate η of fedadam, fedyogi and fedadagrad in this run");
        var command = new Command("strategies", "Pooled vs each site alone vs every strategy and personalisation, mean and standard deviation over seeds.")
        {
            federation, rounds, seeds, model, only, noPersonal, personalBase, serverLearningRate,
        };
        personalModels.AddTo(command);
        command.SetAction(async (result, cancellation) =>
        {
            var chosen = result.GetValue(only) is { Length: > 0 } names ? names : [.. StrategyNames.All];
            if (chosen.FirstOrDefault(n => !StrategyNames.All.Contains(n)) is { } unknown)
                return CliErrors.Fail($"--strategies: '{unknown}' is not one of {string.Join(", ", StrategyNames.All)}");
            if (result.GetValue(seeds) < 1 || result.GetValue(rounds) < 1) return CliErrors.Fail("--seeds and --rounds must be at least 1");
            var personal = personalModels.For(result, PersonalisationMethods.FineTune);
            if (personal.Epochs < 1 || !(personal.Lambda > 0)) return CliErrors.Fail("--personal-epochs must be at least 1 and --ditto-lambda above 0");
            if (!(result.GetValue(serverLearningRate) is > 0 and <= 100))
                return CliErrors.Fail($"--server-lr: {result.GetValue(serverLearningRate)} must be in (0, 100]");
            try
            {
                await Run(result.GetValue(federation)!, result.GetValue(rounds), result.GetValue(seeds), result.GetValue(model)!, chosen,
                    result.GetValue(noPersonal) ? [] : PersonalisationMethods.All, result.GetValue(personalBase)!, Console.Out, cancellation, personal,
                    result.GetValue(serverLearningRate));
                return 0;
            }
            catch (Exception e) when (e is ArgumentException or InvalidOperationException or DataException) { return CliErrors.Fail(e.Message); }
        });
        return command;
    }

    public static async Task Run(string federation, int rounds, int seeds, string model, IReadOnlyList<string> strategies, IReadOnlyList<string> personalise,
        string personalBase, TextWriter output, CancellationToken cancellation, PersonalisationSpec? personalSettings = null,
        double serverLearningRate = DefaultServerLearningRate)
    {
        // Epochs and λ for the personalised runs (each run sets its own method); null: the spec's defaults.
        personalSettings ??= PersonalModelOptions.Defaults;
        var federationDir = LocalRunOptions.ShippedFederation(federation);
        var rows = new Dictionary<string, Row>();
        Row RowFor(string name) => rows.TryGetValue(name, out var row) ? row : rows[name] = new Row(name, [], []);
        void Record(string name, ModelMetrics all, IEnumerable<SiteEvaluation> sites)
        {
            var row = RowFor(name);
            row.All.Add(all.Auc);
            foreach (var s in sites) (row.Sites.TryGetValue(s.SiteId, out var list) ? list : row.Sites[s.SiteId] = []).Add(s.Metrics.Auc);
        }

        IReadOnlyList<(string Id, TabularData Train, TabularData Test)> siteData = [];
        var crossSite = new Dictionary<(string Method, string ModelOf, string RowsOf), List<double>>();
        JobSpec? spec = null;
        var watch = System.Diagnostics.Stopwatch.StartNew();
        for (var seed = 1; seed <= seeds; seed++)
        {
            foreach (var strategy in strategies)
            {
                output.WriteLine($"[{watch.Elapsed:mm\\:ss}] {federation}, seed {seed}: {strategy} ...");
                var run = await RunOne(federationDir, rounds, seed, model, Strategy(strategy, serverLearningRate), null, cancellation);
                // Every figure here is an AUC (pooled, local, personal minus local): another task's would be NaN throughout.
                if (run.Spec.Model!.Task != ModelTasks.Binary)
                    throw new ArgumentException($"--federation {federation}: bench strategies compares AUCs, and this federation's label is " +
                        $"{run.Spec.Model.Task}; bench federation scores every task by its own figures");
                var last = run.Rounds[^1];
                Record(Label(run.Spec), last.Global!, last.Sites);
                siteData = run.Sites.Select(s => (s.Id, s.Split.Train, s.Split.Test)).ToList();
                spec = run.Spec;
            }
            foreach (var method in personalise)
            {
                output.WriteLine($"[{watch.Elapsed:mm\\:ss}] {federation}, seed {seed}: {personalBase} + {method} ...");
                // The job's own cross-site evaluation: every personal model scored at every site (the shipped policies allow personalModel).
                var run = await RunOne(federationDir, rounds, seed, model, Strategy(personalBase, serverLearningRate), personalSettings with
                {
                    Method = method,
                    EarlyStopping = personalSettings.EarlyStopping && method == PersonalisationMethods.FineTune,
                    CrossSiteEvaluation = true,
                }, cancellation);
                CrossSite(run, method, crossSite);
                var own = run.Rounds[^1].Personalised;
                Record($"personal ({method}, {personalBase})", BinaryMetrics.Pool(own), own);
            }
            // The yardsticks for this seed: the same model, initial weights and total epochs, trained centrally.
            var tests = siteData.Select(s => (s.Id, s.Test)).ToList();
            var pooled = CentralTraining.Train(spec!.Model, spec.Training with { ProximalMu = 0 }, rounds, seed,
                TabularData.Concat(siteData.Select(s => s.Train).ToList()));
            var (pooledAll, pooledSites) = CentralTraining.Score(pooled, tests);
            Record("pooled (central)", pooledAll, pooledSites);
            foreach (var site in siteData)
            {
                var local = CentralTraining.Train(spec.Model, spec.Training with { ProximalMu = 0 }, rounds, seed, site.Train);
                var (all, sites) = CentralTraining.Score(local, tests);
                Record($"local {site.Id}", all, sites);
            }
        }
        Print(federation, rounds, seeds, model, strategies, personalise, personalBase, personalSettings, serverLearningRate,
            siteData.Select(s => s.Id).ToList(), rows.Values.ToList(), watch.Elapsed, output);
        PrintCrossSite(personalise, siteData.Select(s => s.Id).ToList(), crossSite, output);
    }

    private static void CrossSite(LocalRunResult run, string method, Dictionary<(string, string, string), List<double>> into)
    {
        var report = run.Summary.CrossSite ?? throw new InvalidOperationException($"the {method} run's job report has no cross-site matrix");
        if (report.Withheld.Count + report.NotScored.Count > 0)
            throw new InvalidOperationException($"the {method} run's cross-site matrix has gaps: " +
                $"{string.Join("; ", report.Withheld.Concat(report.NotScored).Select(g => $"{g.SiteId}: {g.Reason}"))}");
        foreach (var cell in report.Cells.Where(c => c.PersonalOf is not null))
            (into.TryGetValue((method, cell.PersonalOf!, cell.SiteId), out var list) ? list : into[(method, cell.PersonalOf!, cell.SiteId)] = [])
                .Add(cell.Metrics.Auc);
    }

    private static void PrintCrossSite(IReadOnlyList<string> personalise, IReadOnlyList<string> sites,
        Dictionary<(string Method, string ModelOf, string RowsOf), List<double>> crossSite, TextWriter output)
    {
        var width = Math.Max(9, sites.Max(s => s.Length) + 2);
        foreach (var method in personalise)
        {
            output.WriteLine();
            output.WriteLine($"Cross-site ({method}): each site's personal model (rows) on each site's held-out rows (columns), mean AUC over seeds; the " +
                "diagonal is its own site.");
            output.WriteLine($"{"personal model of",-34}" + string.Join("", sites.Select(s => s.PadLeft(width))));
            foreach (var of in sites)
                output.WriteLine($"{of,-34}" + string.Join("", sites.Select(rowsOf => $"{crossSite[(method, of, rowsOf)].Average():F4}".PadLeft(width))));
        }
    }

    private const double DefaultServerLearningRate = StrategySpec.DefaultServerLearningRate;

    private static StrategySpec Strategy(string name, double serverLearningRate) => new() { Name = name, ServerLearningRate = serverLearningRate };

    private static async Task<LocalRunResult> RunOne(string federationDir, int rounds, int seed, string model, StrategySpec strategy,
        PersonalisationSpec? personalisation,
        CancellationToken cancellation)
    {
        var dataDir = Directory.CreateTempSubdirectory("fedhealth-strategy-bench-").FullName;
        try
        {
            var run = await new LocalFederation(new LocalRunOptions
            {
                Rounds = rounds, Seed = seed, Model = model, Headless = true, DataDir = dataDir, FederationDir = federationDir,
                Strategy = strategy, ProximalMu = strategy.Name == StrategyNames.FedProx ? 0.01 : 0, Personalisation = personalisation,
            }, TextWriter.Null).Run(cancellation);
            return run;
        }
        finally
        {
            Directory.Delete(dataDir, recursive: true);
        }
    }

    private static string Label(JobSpec spec) => spec.Strategy.Name switch
    {
        StrategyNames.FedProx => $"fedprox μ={spec.Training.ProximalMu}",
        var n when StrategyNames.UsesServerOptimizer(n) => $"{n} η={spec.Strategy.ServerLearningRate}",
        StrategyNames.TrimmedMean => $"trimmedmean {spec.Strategy.TrimFraction}",
        var n => n,
    } + (spec.SecureAggregation ? " (secure)" : " (plain)");

    private static void Print(string federation, int rounds, int seeds, string model, IReadOnlyList<string> strategies, IReadOnlyList<string> personalise,
        string personalBase,
        PersonalisationSpec personalSettings, double serverLearningRate, IReadOnlyList<string> sites,
        IReadOnlyList<Row> rows, TimeSpan took, TextWriter output)
    {
        output.WriteLine();
        output.WriteLine($"{federation}: held-out AUC, mean ± sd over seeds 1-{seeds} ({model}, {rounds} rounds x 1 epoch; local and pooled models train " +
            "the same total epochs from the same initial weights).");
        output.WriteLine("\"all\" scores a model on every site's held-out rows together; a site column, on that site's held-out rows.");
        var width = Math.Max(9, sites.Max(s => s.Length) + 2);
        output.WriteLine($"{"model",-34}{"all",17}" + string.Join("", sites.Select(s => s.PadLeft(width))));
        foreach (var row in rows.OrderBy(r => r.Name.StartsWith("pooled") ? 0 : r.Name.StartsWith("local") ? 1 : r.Name.StartsWith("personal") ? 3 : 2))
        {
            var (mean, sd) = SeedStatistics.MeanAndSd(row.All);
            output.WriteLine($"{row.Name,-34}{$"{mean:F4} ± {sd:F4}",17}" +
                string.Join("", sites.Select(s => $"{SeedStatistics.MeanAndSd(row.Sites[s]).Mean:F4}".PadLeft(width))));
        }
        var pooled = SeedStatistics.MeanAndSd(rows.Single(r => r.Name.StartsWith("pooled")).All);
        var federated = rows.Where(r => !r.Name.StartsWith("pooled") && !r.Name.StartsWith("local") && !r.Name.StartsWith("personal"))
            .Select(r => (r.Name, Stats: SeedStatistics.MeanAndSd(r.All))).OrderByDescending(r => r.Stats.Mean).First();
        var reaches = federated.Stats.Mean + federated.Stats.Sd >= pooled.Mean;
        output.WriteLine(
            $"best federated: {federated.Name} {federated.Stats.Mean:F4} ± {federated.Stats.Sd:F4} vs pooled {pooled.Mean:F4} ± {pooled.Sd:F4}: " +
                         (reaches ? "reaches the pooled AUC within its seed deviation" : $"short of pooled by {pooled.Mean - federated.Stats.Mean:F4}"));
        if (personalise.Count > 0) output.WriteLine("personal rows: each site's own model on its own held-out rows (\"all\": those rows together).");
        foreach (var row in rows.Where(r => r.Name.StartsWith("personal")))
        {
            // A site's local model on its own held-out rows: the "local SITE" row's SITE column.
            var gap = sites.ToDictionary(s => s, s =>
                SeedStatistics.MeanAndSd(row.Sites[s]).Mean - SeedStatistics.MeanAndSd(rows.Single(r => r.Name == $"local {s}").Sites[s]).Mean);
            var worse = gap.Where(g => g.Value < -1e-9).Select(g => $"{g.Key} {g.Value:+0.0000;-0.0000;-0.0000}").ToList();
            var equal = gap.Count(g => Math.Abs(g.Value) <= 1e-9);
            output.WriteLine($"{row.Name} vs each site's local model on its own held-out rows: better at {gap.Count(g => g.Value > 1e-9)}, equal at {equal}, " +
                $"worse at {worse.Count} of {sites.Count} sites" +
                             (worse.Count > 0 ? $" ({string.Join(", ", worse)})" : ""));
            output.WriteLine("  paired by seed (personal − local, mean ± sd; 'clearly' when the mean is over 2 standard errors from 0): " +
                             string.Join(", ", sites.Select(s => PairedDifference(s, row.Sites[s], rows.Single(r => r.Name == $"local {s}").Sites[s]))));
        }
        output.WriteLine($"took {took.TotalMinutes:F1} min. Reproduce: ./fedhealth bench strategies --federation {federation} --rounds {rounds} --seeds " +
            $"{seeds} --model {model}" +
                         (strategies.Count == StrategyNames.All.Count ? "" : $" --strategies {string.Join(" ", strategies)}") +
                         (serverLearningRate == DefaultServerLearningRate ? "" : FormattableString.Invariant($" --server-lr {serverLearningRate}")) +
                         (personalise.Count == 0 ? " --no-personalisation" : PersonalOptions(personalBase, personalSettings)));
    }

    /// <summary>
    /// One site's personal-minus-local AUC, seed by seed (same seed, same initial weights), with a verdict that does not
    /// call noise a win or a loss. The held-out rows are the same for every seed, so their sampling noise is not in the sd.
    /// </summary>
    private static string PairedDifference(string site, IReadOnlyList<double> personal, IReadOnlyList<double> local)
    {
        var (mean, sd) = SeedStatistics.MeanAndSd(personal.Zip(local, (p, l) => p - l).ToList());
        var standardError = sd / Math.Sqrt(Math.Max(1, personal.Count));
        var verdict = personal.Count < 2 ? "one seed" : mean - 2 * standardError > 0 ? "clearly better" : mean + 2 * standardError < 0 ? "clearly worse"
            : "no clear difference";
        return FormattableString.Invariant($"{site} {mean:+0.0000;-0.0000;0.0000} ± {sd:F4} ({verdict})");
    }

    /// <summary>The personalised runs' options for the reproduce line; those left at their defaults are left out.</summary>
    private static string PersonalOptions(string personalBase, PersonalisationSpec settings)
    {
        var defaults = PersonalModelOptions.Defaults;
        return (personalBase == StrategyNames.FedAdam ? "" : $" --personal-base {personalBase}") +
               (settings.Epochs == defaults.Epochs ? "" : $" --personal-epochs {settings.Epochs}") +
               (settings.Lambda == defaults.Lambda ? "" : FormattableString.Invariant($" --ditto-lambda {settings.Lambda}")) +
               (settings.EarlyStopping ? " --personal-early-stopping" : "");
    }
}
