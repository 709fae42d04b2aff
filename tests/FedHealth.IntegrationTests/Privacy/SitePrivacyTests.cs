using FedHealth.Contracts;
using FedHealth.Learning.Models;
using FedHealth.SiteAgent;
using FedHealth.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;

namespace FedHealth.Tests.Privacy;

/// <summary>A site's own privacy policy: DP-SGD only, never past its budget, and its ledger survives restarts.</summary>
public sealed class SitePrivacyTests : IDisposable
{
    private readonly TempFolder temp = new();
    private static readonly ModelSpec Model = new() { Kind = "logistic", Features = 8 };
    private static readonly DpSgdSettings Dp = new() { NoiseMultiplier = 2.0, ClipNorm = 1.0, SamplingRate = 0.1 };

    [Fact]
    public void A_site_with_a_budget_trains_with_dp_reports_its_epsilon_and_declines_the_round_that_would_exceed_it()
    {
        var site = Site(budget: 1.0);
        var job = Guid.NewGuid();
        var first = Assert.IsType<UpdateSubmitted>(site.Train(Round(job, 1)));
        Assert.NotNull(first.Privacy);
        Assert.InRange(first.Privacy!.Epsilon, 0.01, 1.0);
        Assert.Equal(1.0, first.Privacy.Budget);

        var round = 2;
        object? answer;
        do answer = site.Train(Round(job, round++));
        while (answer is UpdateSubmitted && round < 100);
        var declined = Assert.IsType<RoundDeclined>(answer);
        Assert.True(declined.BudgetExhausted);
        Assert.Contains("over the site's budget of 1", declined.Reason);
        Assert.True(site.PrivacySpent().Epsilon <= 1.0);

        var restarted = Site(budget: 1.0);
        Assert.Equal(site.PrivacySpent().Epsilon, restarted.PrivacySpent().Epsilon, 10);
        Assert.IsType<RoundDeclined>(restarted.Train(Round(Guid.NewGuid(), 1)));
    }

    [Fact]
    public void A_site_with_a_budget_declines_a_job_without_dp()
    {
        var declined = Assert.IsType<RoundDeclined>(Site(budget: 3).Train(Round(Guid.NewGuid(), 1) with { Privacy = null }));
        Assert.Contains("takes part only in DP-SGD jobs", declined.Reason);
    }

    [Fact]
    public void A_declined_round_tried_again_gets_the_same_decline_naming_the_new_attempt()
    {
        var site = Site(budget: 3);
        var round = Round(Guid.NewGuid(), 1) with { Privacy = null };
        Assert.Equal(1, Assert.IsType<RoundDeclined>(site.Train(round)).Attempt);

        var again = Assert.IsType<RoundDeclined>(site.Train(round with { Attempt = 2 }));

        Assert.Equal(2, again.Attempt);
        Assert.Contains("takes part only in DP-SGD jobs", again.Reason);
    }

    [Fact]
    public void A_round_asked_for_again_gets_the_same_answer_without_spending_twice()
    {
        var site = Site(budget: 10);
        var job = Guid.NewGuid();
        var first = Assert.IsType<UpdateSubmitted>(site.Train(Round(job, 1)));
        var spent = site.PrivacySpent().Epsilon;
        var again = Assert.IsType<UpdateSubmitted>(site.Train(Round(job, 1)));
        Assert.Same(first, again);
        Assert.Equal(spent, site.PrivacySpent().Epsilon);
    }

    [Fact]
    public void Dp_noise_comes_from_the_site_secret_not_from_the_public_job_seed()
    {
        var job = Guid.NewGuid();
        var a = Assert.IsType<UpdateSubmitted>(Site(budget: 10, state: "a").Train(Round(job, 1)));
        var b = Assert.IsType<UpdateSubmitted>(Site(budget: 10, state: "b").Train(Round(job, 1)));
        var again = Assert.IsType<UpdateSubmitted>(Site(budget: 10, state: "a").Train(Round(job, 1)));
        Assert.NotEqual(a.Weights.Tensors[0].Data, b.Weights.Tensors[0].Data);
        Assert.Equal(a.Weights.Tensors[0].Data, again.Weights.Tensors[0].Data);
    }

    private Agent Site(double budget, string state = "state")
    {
        var config = GbsgSite.Config(Path.Combine(temp.Path, state))
            .WithPrivacy(new SitePrivacy { EpsilonBudget = budget, Delta = 1e-5 });
        return Agent.Start(config, NullLogger.Instance);
    }

    private static RoundStarted Round(Guid job, int round) =>
        GbsgSite.Round(job, round, Model, new TrainingPlan { LocalEpochs = 1 }, FlatParameters.Initial(ParameterLayout.For(Model), 1).ToWeights())
            with
        { Privacy = Dp };

    public void Dispose() => temp.Dispose();
}
