using FedHealth.Contracts;
using FedHealth.Coordinator.Jobs;
using FedHealth.Learning.Jobs;
using FedHealth.Learning.Models;
using FedHealth.Learning.Strategies;
using static FedHealth.Tests.Coordinator.JobFixtures;

namespace FedHealth.Tests.Coordinator;

/// <summary>Each strategy against a round computed by hand, and the combinations a job must refuse.</summary>
public sealed class StrategyTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 24, 10, 0, 0, TimeSpan.Zero);
    private static StrategySpec Optimiser(string name) => new() { Name = name, ServerLearningRate = 1, Beta1 = 0.9, Beta2 = 0.99, Tau = 0.1 };

    // global 0, aggregate 1: Δ = 1, m = 0.1, v₋₁ = τ² = 0.01.
    [Theory]
    [InlineData(StrategyNames.FedAdam, 0.0199, 0.41482181)]     // v = 0.99·0.01 + 0.01·1;  0.1 / (√0.0199 + 0.1)
    [InlineData(StrategyNames.FedAdagrad, 1.01, 0.09049876)]    // v = 0.01 + 1;             0.1 / (√1.01 + 0.1)
    [InlineData(StrategyNames.FedYogi, 0.02, 0.41421356)]       // v = 0.01 − 0.01·1·sign(0.01 − 1); 0.1 / (√0.02 + 0.1)
    public void A_server_optimiser_steps_as_computed_by_hand(string name, double v, double next)
    {
        var (result, state) = ServerOptimizer.Step(Optimiser(name), [0f], [1f], null);
        Assert.Equal(next, result[0], 6);
        Assert.Equal(0.1, state!.M[0], 6);
        Assert.Equal(v, state.V[0], 6);
    }

    [Fact]
    public void FedAdam_carries_its_moments_into_the_next_round()
    {
        var (first, state) = ServerOptimizer.Step(Optimiser(StrategyNames.FedAdam), [0f], [1f], null);
        // Round 2 with no pseudo-gradient: m = 0.09, v = 0.99·0.0199; the model still moves by 0.09 / (√v + 0.1).
        var (second, _) = ServerOptimizer.Step(Optimiser(StrategyNames.FedAdam), first, [first[0]], state);
        Assert.Equal(first[0] + 0.37443795, second[0], 5);
    }

    [Fact]
    public void Averaging_strategies_take_the_aggregate_as_it_is()
    {
        foreach (var name in new[] { StrategyNames.FedAvg, StrategyNames.FedProx, StrategyNames.FedMedian })
        {
            var (result, state) = ServerOptimizer.Step(new StrategySpec { Name = name }, [0f, 0f], [1f, 2f], null);
            Assert.Equal([1f, 2f], result);
            Assert.Null(state);
        }
    }

    [Fact]
    public void Median_and_trimmed_mean_ignore_one_corrupted_site()
    {
        float[][] three = [[1, 10], [2, 20], [1000, -1000]];
        Assert.Equal([2f, 10f], RobustAggregation.Median(three));
        float[][] four = [[1, 4], [2, 3], [3, 2], [100, -100]];
        Assert.Equal([2.5f, 2.5f], RobustAggregation.Median(four));
        Assert.Equal([2.5f, 2.5f], RobustAggregation.TrimmedMean(four, 0.25));   // drops one value at each end
        Assert.Equal([26.5f, -22.75f], RobustAggregation.TrimmedMean(four, 0.2)); // ⌊0.8⌋ = 0: the plain mean
    }

    [Fact]
    public void A_median_job_aggregates_each_coordinate_across_sites_unweighted_and_not_by_sample_count()
    {
        var job = Guid.NewGuid();
        var state = new JobState();
        foreach (var e in JobState.Create(job, Spec() with { Strategy = new StrategySpec { Name = StrategyNames.FedMedian } }, ["A", "B", "C"],
            T0)) state.Apply(e);
        foreach (var e in state.OnUpdate(Update(job, 1, "A", [1, 5, 0], 10), T0).Events) state.Apply(e);
        foreach (var e in state.OnUpdate(Update(job, 1, "B", [2, 6, 0], 10), T0).Events) state.Apply(e);
        var last = state.OnUpdate(Update(job, 1, "C", [900, -900, 0], 1000), T0);
        var aggregated = Assert.IsType<RoundAggregated>(last.Events[^1]);
        Assert.Equal([2f, 5f, 0f], FlatParameters.FromWeights(Layout, aggregated.GlobalWeights).Values);
    }

    [Fact]
    public void A_fedadam_job_journals_its_moments_and_a_replayed_job_steps_on_identically()
    {
        var job = Guid.NewGuid();
        var spec = Spec(rounds: 3, minSites: 1) with { Strategy = Optimiser(StrategyNames.FedAdam) };
        var journal = new List<IJobEvent>(JobState.Create(job, spec, ["A"], T0));
        var live = new JobState();
        foreach (var e in journal) live.Apply(e);
        for (var round = 1; round <= 2; round++)
        {
            var global = FlatParameters.FromWeights(Layout, live.GlobalWeights).Values;
            var events = live.OnUpdate(Update(job, round, "A", global.Select(v => v + 1).ToArray(), 10), T0).Events;
            var aggregated = Assert.IsType<RoundAggregated>(events[^1]);
            Assert.NotNull(aggregated.ServerState);
            foreach (var e in events) { live.Apply(e); journal.Add(e); }
            var closing = live.OnAnswer(GoodEvaluation(job, round, "A"), T0).Events;
            foreach (var e in closing) { live.Apply(e); journal.Add(e); }
        }
        // Round 1 moves by 0.4148 (the hand-computed step), round 2 by the step its carried moments give.
        var initial = FlatParameters.Initial(Layout, 1).Values;
        var afterTwo = FlatParameters.FromWeights(Layout, live.GlobalWeights).Values;
        var (one, s1) = ServerOptimizer.Step(spec.Strategy, initial, initial.Select(v => v + 1).ToArray(), null);
        var (two, _) = ServerOptimizer.Step(spec.Strategy, one, one.Select(v => v + 1).ToArray(), s1);
        Assert.Equal(two, afterTwo);

        var replayed = new JobState();
        foreach (var e in journal) replayed.Apply(e);
        var g = FlatParameters.FromWeights(Layout, replayed.GlobalWeights).Values;
        var liveNext = live.OnUpdate(Update(job, 3, "A", g.Select(v => v + 1).ToArray(), 10), T0).Events[^1];
        var replayedNext = replayed.OnUpdate(Update(job, 3, "A", g.Select(v => v + 1).ToArray(), 10), T0).Events[^1];
        Assert.Equal(FlatParameters.FromWeights(Layout, ((RoundAggregated)liveNext).GlobalWeights).Values,
            FlatParameters.FromWeights(Layout, ((RoundAggregated)replayedNext).GlobalWeights).Values);
    }

    [Fact]
    public void A_job_refuses_robust_rules_under_secure_aggregation_and_bad_strategy_settings_naming_the_field()
    {
        string Problems(JobSpec spec) => string.Join(" | ", JobSpecRules.Problems(spec));
        var secure = Spec() with { SecureAggregation = true };
        Assert.Contains("strategy.name: fedmedian needs each site's update, which secure aggregation hides",
            Problems(secure with { Strategy = new StrategySpec { Name = "fedmedian" } }));
        Assert.Contains("strategy.name: trimmedmean needs each site's update", Problems(secure with { Strategy = new StrategySpec { Name = "trimmedmean" } }));
        Assert.Empty(JobSpecRules.Problems(Spec() with { Strategy = new StrategySpec { Name = "fedmedian" } }));
        Assert.Empty(JobSpecRules.Problems(secure with { Strategy = Optimiser("fedadam") }));
        Assert.Contains("strategy.name: 'fedsgd' is not one of fedavg, fedprox", Problems(Spec() with { Strategy = new StrategySpec { Name = "fedsgd" } }));
        Assert.Contains("training.proximalMu: fedprox needs a positive μ", Problems(Spec() with { Strategy = new StrategySpec { Name = "fedprox" } }));
        Assert.Empty(
            JobSpecRules.Problems(Spec() with { Strategy = new StrategySpec { Name = "fedprox" }, Training = new TrainingPlan { ProximalMu = 0.01 } }));
        Assert.Contains("strategy.trimFraction: 0.5", Problems(Spec() with { Strategy = new StrategySpec { Name = "trimmedmean", TrimFraction = 0.5 } }));
        Assert.Contains("strategy.beta2: 1", Problems(Spec() with { Strategy = Optimiser("fedyogi") with { Beta2 = 1 } }));
        Assert.Contains("strategy.serverLearningRate: 0", Problems(Spec() with { Strategy = Optimiser("fedadagrad") with { ServerLearningRate = 0 } }));
    }

    [Fact]
    public void A_personalised_job_records_the_personal_models_of_the_last_round_and_refuses_them_earlier_or_elsewhere()
    {
        var job = Guid.NewGuid();
        var state = new JobState();
        var spec = Spec(rounds: 1, minSites: 2) with { Personalisation = new PersonalisationSpec { Method = "finetune" } };
        foreach (var e in JobState.Create(job, spec, ["A", "B"], T0)) state.Apply(e);
        foreach (var site in new[] { "A", "B" }) foreach (var e in state.OnUpdate(Update(job, 1, site, [1, 1, 1], 10), T0).Events) state.Apply(e);
        var personal = GoodEvaluation(job, 1, "A").Evaluation;
        var bad = personal with { SiteId = "B" };
        Assert.Contains("personalised evaluation names site 'B'", state.OnAnswer(GoodEvaluation(job, 1, "A") with { Personalised = bad }, T0).Refusal);
        foreach (var e in state.OnAnswer(GoodEvaluation(job, 1, "A") with { Personalised = personal }, T0).Events) state.Apply(e);
        var closing = state.OnAnswer(GoodEvaluation(job, 1, "B"), T0).Events;
        var completed = Assert.Single(closing.OfType<RoundClosed>()).Summary;
        Assert.Equal("A", Assert.Single(completed.Personalised).SiteId);

        var plain = new JobState();
        foreach (var e in JobState.Create(job, Spec(rounds: 1, minSites: 1), ["A"], T0)) plain.Apply(e);
        foreach (var e in plain.OnUpdate(Update(job, 1, "A", [1, 1, 1], 10), T0).Events) plain.Apply(e);
        Assert.Contains("does not ask for", plain.OnAnswer(GoodEvaluation(job, 1, "A") with { Personalised = personal }, T0).Refusal);
    }

    [Fact]
    public void Personalisation_settings_are_checked_and_refused_with_record_level_dp()
    {
        string Problems(JobSpec spec) => string.Join(" | ", JobSpecRules.Problems(spec));
        Assert.Contains("personalisation.method: 'maml' is not one of finetune, ditto",
            Problems(Spec() with { Personalisation = new PersonalisationSpec { Method = "maml" } }));
        Assert.Contains("personalisation.lambda: 0", Problems(Spec() with { Personalisation = new PersonalisationSpec { Method = "ditto", Lambda = 0 } }));
        Assert.Contains("personalisation.epochs: 0", Problems(Spec() with { Personalisation = new PersonalisationSpec { Method = "finetune", Epochs = 0 } }));
        Assert.Contains("personalisation.earlyStopping: only for finetune",
            Problems(Spec() with { Personalisation = new PersonalisationSpec { Method = "ditto", EarlyStopping = true } }));
        Assert.Contains("personalisation: not yet available with record-level DP", Problems(Spec() with
        {
            Personalisation = new PersonalisationSpec { Method = "finetune" },
            Privacy = new DpSgdSettings { NoiseMultiplier = 1, ClipNorm = 1, SamplingRate = 0.1 },
        }));
        Assert.Empty(JobSpecRules.Problems(Spec() with { Personalisation = new PersonalisationSpec { Method = "ditto" } }));
    }
}
