using System.Text.Json;
using FedHealth.Cli.Local;
using FedHealth.Contracts;
using FedHealth.Tests.Support;

namespace FedHealth.Tests.Local;

/// <summary>`fedhealth local --federation breast-prognosis-survival`: a Cox model trained under secure aggregation and scored by Harrell's C.</summary>
public sealed class SurvivalFederationTests : IDisposable
{
    private readonly TempFolder temp = new();

    [Fact]
    public async Task Every_patient_censored_or_not_trains_a_cox_model_whose_c_index_is_the_sum_of_the_sites_pair_counts()
    {
        var summaryPath = Path.Combine(temp.Path, "summary.json");
        var console = new StringWriter();
        var run = await new LocalFederation(new LocalRunOptions
        {
            Rounds = 3, Seed = 1, Headless = true, DataDir = temp.Path, SummaryPath = summaryPath,
            FederationDir = LocalRunOptions.ShippedFederation("breast-prognosis-survival"),
        }, console).Run(new CancellationTokenSource(TimeSpan.FromMinutes(5)).Token);

        Assert.Equal("completed", run.Summary.Outcome);
        Assert.Equal(ModelTasks.Survival, run.Spec.Model!.Task);
        Assert.True(run.Spec.SecureAggregation);
        // All 686 GBSG and 2,982 Rotterdam patients, censored ones included.
        Assert.Equal(686, run.Summary.Sites[0].TrainSamples + run.Summary.Sites[0].TestSamples);
        Assert.Equal(2982, run.Summary.Sites.Skip(1).Sum(x => x.TrainSamples + x.TestSamples));

        var last = run.Rounds[^1];
        Assert.All(last.Sites, s => Assert.NotNull(s.Concordance));
        Assert.All(last.Sites, s => Assert.True(double.IsNaN(s.Metrics.Accuracy)));
        var pairs = last.Sites.Select(s => s.Concordance!).ToList();
        Assert.Equal(pairs.Sum(p => p.Concordant) / pairs.Sum(p => p.Comparable), last.Global!.Auc, 12);
        Assert.InRange(last.Global.Auc, 0.6, 0.8);
        Assert.InRange(run.Summary.Global.Auc - run.Summary.PooledBaseline.Auc, -0.02, 0.02);

        Assert.Contains("global C-index", console.ToString());
        Assert.Contains("Final global model on all held-out rows: C-index", console.ToString());
        using var json = JsonDocument.Parse(File.ReadAllText(summaryPath));
        Assert.Equal("survival", json.RootElement.GetProperty("task").GetString());
        Assert.Equal("C-index", json.RootElement.GetProperty("metric").GetString());
    }

    public void Dispose() => temp.Dispose();
}
