using System.Text.Json;
using FedHealth.Cli.Local;
using FedHealth.Contracts;
using FedHealth.Learning.Metrics;
using FedHealth.Tests.Support;

namespace FedHealth.Tests.Local;

/// <summary>`fedhealth local --federation pima-glucose`: a regression model of plasma glucose under secure aggregation, scored from summed moments.</summary>
public sealed class PimaGlucoseFederationTests : IDisposable
{
    private readonly TempFolder temp = new();

    [Fact]
    public async Task Four_sites_train_a_glucose_regression_whose_rmse_mae_and_r_squared_come_from_their_summed_moments()
    {
        var summaryPath = Path.Combine(temp.Path, "summary.json");
        var console = new StringWriter();
        var run = await new LocalFederation(new LocalRunOptions
        {
            Rounds = 5, Seed = 1, Headless = true, DataDir = temp.Path, SummaryPath = summaryPath,
            FederationDir = LocalRunOptions.ShippedFederation("pima-glucose"),
        }, console).Run(new CancellationTokenSource(TimeSpan.FromMinutes(3)).Token);

        Assert.Equal("completed", run.Summary.Outcome);
        Assert.Equal(ModelTasks.Regression, run.Spec.Model!.Task);
        Assert.True(run.Spec.SecureAggregation);
        // 768 women, 5 without a glucose measurement.
        Assert.Equal(763, run.Summary.Sites.Sum(s => s.TrainSamples + s.TestSamples));

        var last = run.Rounds[^1];
        var pooled = RegressionMetrics.Figures(RegressionMetrics.Add(last.Sites.Select(s => s.Metrics.Regression!.Moments)));
        Assert.Equal(pooled.Rmse, last.Global!.Regression!.Rmse, 9);
        Assert.Equal(pooled.R2, last.Global.Regression.R2, 9);
        // In mg/dl: a model no better than the mean would have an RMSE of about 30 (the label's SD) and an R² of 0.
        Assert.InRange(last.Global.Regression.Rmse, 15, 32);
        Assert.InRange(last.Global.Regression.R2, 0.05, 0.8);
        Assert.True(double.IsNaN(last.Global.Auc) && double.IsNaN(last.Global.Accuracy));
        Assert.Contains(last.Sites, s => s.Subgroups.Any(g => g.Subgroup == "age band" && g.Score is > 0));

        Assert.Contains("global RMSE", console.ToString());
        Assert.Contains("Final global model on all held-out rows: RMSE", console.ToString());
        using var json = JsonDocument.Parse(File.ReadAllText(summaryPath));
        Assert.Equal("RMSE", json.RootElement.GetProperty("metric").GetString());
        Assert.False(json.RootElement.GetProperty("higherIsBetter").GetBoolean());
        Assert.Equal(last.Global.Regression.Rmse, json.RootElement.GetProperty("global").GetProperty("regression").GetProperty("rmse").GetDouble(), 9);
    }

    public void Dispose() => temp.Dispose();
}
