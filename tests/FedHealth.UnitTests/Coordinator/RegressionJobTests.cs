using FedHealth.Contracts;
using FedHealth.Coordinator.Jobs;
using FedHealth.Learning.Metrics;
using static FedHealth.Tests.Coordinator.JobFixtures;

namespace FedHealth.Tests.Coordinator;

/// <summary>A regression job's evaluation: each site's moments checked on the coordinator, and the round's RMSE, MAE and R² from their exact sums.</summary>
public sealed class RegressionJobTests
{
    private static readonly Guid Job = Guid.NewGuid();
    private static readonly DateTimeOffset T0 = new(2026, 12, 6, 10, 0, 0, TimeSpan.Zero);
    private static readonly ModelSpec Linear = Model with { Task = ModelTasks.Regression };
    private readonly JobState state = new();

    public RegressionJobTests()
    {
        foreach (var e in JobState.Create(Job, Spec(rounds: 1) with { Model = Linear }, ["A", "B"], T0)) state.Apply(e);
        foreach (var site in new[] { "A", "B" })
            foreach (var e in state.OnUpdate(Update(Job, 1, site, [1, 1, 1], 10), T0).Events) state.Apply(e);
    }

    private static EvaluationSubmitted Good(string site, double offset, int rows = 20)
    {
        var y = Enumerable.Range(0, rows).Select(i => 100.0 + i).ToArray();
        var predicted = y.Select((v, i) => v + (i % 2 == 0 ? offset : -offset)).ToArray();
        return new EvaluationSubmitted
        {
            JobId = Job, Round = 1, SiteId = site,
            Evaluation = new SiteEvaluation
            {
                SiteId = site,
                Metrics = new ModelMetrics
                {
                    Auc = double.NaN, Accuracy = double.NaN, Loss = 0.2, Samples = rows,
                    Regression = RegressionMetrics.Figures(RegressionMetrics.Moments(predicted, y)),
                },
            },
        };
    }

    private static EvaluationSubmitted With(EvaluationSubmitted e, Func<RegressionFigures, RegressionFigures> change) =>
        e with { Evaluation = e.Evaluation with { Metrics = e.Evaluation.Metrics with { Regression = change(e.Evaluation.Metrics.Regression!) } } };

    [Fact]
    public void The_rounds_rmse_and_mae_come_from_the_summed_moments_of_both_sites()
    {
        foreach (var e in state.OnAnswer(Good("A", offset: 1), T0).Events) state.Apply(e);
        var round = state.OnAnswer(Good("B", offset: 3), T0).Events.OfType<RoundClosed>().Single().Summary;
        // Squared errors 1 on 20 rows and 9 on 20: √(200 / 40), not the mean of 1 and 3.
        Assert.Equal(Math.Sqrt(5), round.Global!.Regression!.Rmse, 12);
        Assert.Equal(2, round.Global.Regression.Mae, 12);
        Assert.Equal(Math.Sqrt(5), PrimaryFigure.ValueOf(ModelTasks.Regression, round.Global), 12);
        Assert.True(double.IsNaN(round.Global.Auc) && double.IsNaN(round.Global.Accuracy));
    }

    [Theory]
    [InlineData("too few rows", "evaluation of A has regression moments of 5 rows: sums of fewer than 10 rows come too near single patients")]
    [InlineData("a count that is not its samples", "evaluation of A: regression.moments.count is 19, not its 20 samples")]
    [InlineData("impossible moments",
        "evaluation of A has regression moments no set of rows can have ((Σy)² above nΣy², or (Σ|y−ŷ|)² above nΣ(y−ŷ)²)")]
    [InlineData("an rmse not from its moments",
        "evaluation of A has RMSE 0.5, MAE 1, R² 0.9699248120300752, but its moments give 1, 1, 0.9699248120300752")]
    [InlineData("an accuracy", "evaluation of A has out-of-range metrics (auc NaN, accuracy 0.5, loss 0.2)")]
    [InlineData("a histogram", "evaluation of A: a regression evaluation carries no score histogram")]
    [InlineData("no figures", "evaluation of A has no regression figures, which a regression job needs")]
    public void A_regression_evaluation_whose_moments_do_not_hold_together_is_refused_naming_the_site_and_field(string what, string reason)
    {
        var good = Good("A", offset: 1);
        var evaluation = what switch
        {
            "too few rows" => Good("A", offset: 1, rows: 5),
            "a count that is not its samples" => With(good, f => f with { Moments = f.Moments with { Count = 19 } }),
            "impossible moments" => With(good, f => f with { Moments = f.Moments with { SumY2 = 1 } }),
            "an rmse not from its moments" => With(good, f => f with { Rmse = 0.5 }),
            "an accuracy" => good with { Evaluation = good.Evaluation with { Metrics = good.Evaluation.Metrics with { Accuracy = 0.5 } } },
            "a histogram" => good with { Evaluation = good.Evaluation with { Histogram = GoodEvaluation(Job, 1, "A").Evaluation.Histogram } },
            "no figures" => good with { Evaluation = good.Evaluation with { Metrics = good.Evaluation.Metrics with { Regression = null } } },
            _ => throw new ArgumentException(what),
        };
        Assert.Equal(reason, state.OnAnswer(evaluation, T0).Refusal);
    }
}
