using FedHealth.Contracts;
using FedHealth.Learning.Metrics;

namespace FedHealth.Tests.Learning;

/// <summary>RMSE, MAE and R² from summed moments, against the textbook formulas, and pooled exactly across sites.</summary>
public sealed class RegressionMetricsTests
{
    [Fact]
    public void Rmse_mae_and_r_squared_from_the_moments_are_those_worked_out_by_hand()
    {
        // Errors −0.5, 0, 1, −1: Σe² = 2.25, Σ|e| = 2.5; ȳ = 2.5, Σ(y − ȳ)² = 5.
        var f = RegressionMetrics.Figures(RegressionMetrics.Moments([1.5, 2, 2, 5], [1, 2, 3, 4]));
        Assert.Equal(0.75, f.Rmse, 12);
        Assert.Equal(0.625, f.Mae, 12);
        Assert.Equal(1 - 2.25 / 5, f.R2, 12);
        Assert.Equal((4L, 10.0, 30.0), (f.Moments.Count, f.Moments.SumY, f.Moments.SumY2));
    }

    [Fact]
    public void Sites_moments_pool_into_exactly_the_figures_of_their_rows_put_together()
    {
        var random = new Random(3);
        var y = Enumerable.Range(0, 90).Select(_ => 100 + 30 * random.NextDouble()).ToArray();
        var yHat = y.Select(v => v + 10 * (random.NextDouble() - 0.5)).ToArray();
        var sites = new[] { (0, 20), (20, 30), (50, 40) }.Select((r, i) => new SiteEvaluation
        {
            SiteId = $"S{i}",
            Metrics = new ModelMetrics
            {
                Auc = double.NaN, Accuracy = double.NaN, Loss = 0.1, Samples = r.Item2,
                Regression = RegressionMetrics.Figures(RegressionMetrics.Moments(yHat.AsSpan(r.Item1, r.Item2), y.AsSpan(r.Item1, r.Item2))),
            },
        }).ToList();
        var pooled = TaskMetrics.Pool(ModelTasks.Regression, sites).Regression!;
        var mean = y.Average();
        var independentR2 = 1 - y.Zip(yHat, (a, b) => (a - b) * (a - b)).Sum() / y.Sum(v => (v - mean) * (v - mean));
        Assert.Equal(Math.Sqrt(y.Zip(yHat, (a, b) => (a - b) * (a - b)).Average()), pooled.Rmse, 9);
        Assert.Equal(y.Zip(yHat, (a, b) => Math.Abs(a - b)).Average(), pooled.Mae, 9);
        Assert.Equal(independentR2, pooled.R2, 9);
        Assert.Equal(90, pooled.Moments.Count);
    }

    [Fact]
    public void Labels_that_are_all_the_same_have_no_r_squared()
    {
        Assert.True(double.IsNaN(RegressionMetrics.Figures(RegressionMetrics.Moments([1, 2, 3], [2, 2, 2])).R2));
    }
}
