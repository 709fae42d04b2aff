using FedHealth.Cli.Local;
using FedHealth.Contracts;
using FedHealth.Learning.Data;

namespace FedHealth.Cli.Bench;

/// <summary>
/// What federating gains each hospital: the federated global model, the pooled model (all rows in one place) and
/// each site's purely local model, all with the same model and epochs, each scored on every site's held-out rows.
/// </summary>
public static class FederationBench
{
    public static async Task<int> Run(int rounds, int seed, string model, TextWriter output, CancellationToken cancellation)
    {
        var dataDir = Directory.CreateTempSubdirectory("fedhealth-bench-").FullName;
        try
        {
            output.WriteLine($"Running the breast-prognosis federation: {rounds} rounds, {model}, seed {seed} ...");
            var run = await new LocalFederation(new LocalRunOptions
            {
                Rounds = rounds, Seed = seed, Model = model, Headless = true, DataDir = dataDir,
                FederationDir = LocalRunOptions.DefaultFederationDir(),
            }, TextWriter.Null).Run(cancellation);
            Print(run, rounds, seed, model, output);
            return 0;
        }
        finally
        {
            Directory.Delete(dataDir, recursive: true);
        }
    }

    private static void Print(LocalRunResult run, int rounds, int seed, string model, TextWriter output)
    {
        var tests = run.Sites.Select(s => (s.Id, s.Split.Test)).ToList();
        var lines = new List<(string Name, IReadOnlyList<SiteEvaluation> Sites, ModelMetrics All)>();
        var last = run.Rounds[^1];
        lines.Add(("federated (secure FedAvg)", last.Sites, last.Global!));
        var pooled = CentralTraining.Train(run.Spec.Model, run.Spec.Training, run.Spec.Rounds, run.Spec.Seed,
            TabularData.Concat(run.Sites.Select(s => s.Split.Train).ToList()));
        var (pooledAll, pooledSites) = CentralTraining.Score(pooled, tests);
        lines.Add(("pooled (central)", pooledSites, pooledAll));
        foreach (var site in run.Sites)
        {
            var local = CentralTraining.Train(run.Spec.Model, run.Spec.Training, run.Spec.Rounds, run.Spec.Seed, site.Split.Train);
            var (all, sites) = CentralTraining.Score(local, tests);
            lines.Add(($"local {site.Id}", sites, all));
        }

        output.WriteLine();
        output.WriteLine($"Held-out AUC, rows = model, columns = site whose held-out rows score it ({model}, {rounds} rounds x " +
            $"{run.Spec.Training.LocalEpochs} epoch, seed {seed}):");
        output.WriteLine($"{"model",-26}" + string.Join("", run.Sites.Select(s => $"{s.Id,16}")) + $"{"all held-out",14}");
        foreach (var (name, sites, all) in lines)
            output.WriteLine($"{name,-26}" + string.Join("", run.Sites.Select(s => $"{sites.First(e => e.SiteId == s.Id).Metrics.Auc,16:F4}")) +
                $"{all.Auc,14:F4}");
        output.WriteLine($"{"held-out rows",-26}" + string.Join("", run.Sites.Select(s => $"{s.Split.Test.Rows,16}")) +
            $"{run.Sites.Sum(s => s.Split.Test.Rows),14}");
        output.WriteLine($"federated - pooled on all held-out rows: {last.Global!.Auc - pooledAll.Auc:+0.0000;-0.0000}");
        output.WriteLine("NL-ROTTERDAM-* are simulated hospitals (the Rotterdam registry split by year of surgery).");
        output.WriteLine($"Reproduce: ./fedhealth bench federation --rounds {rounds} --seed {seed} --model {model}");
    }
}
