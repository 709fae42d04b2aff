using FedHealth.Contracts;
using FedHealth.Coordinator.Jobs;
using FedHealth.Learning.Jobs;
using FedHealth.Learning.Metrics;
using static FedHealth.Tests.Coordinator.JobFixtures;

namespace FedHealth.Tests.Coordinator;

/// <summary>A survival job's evaluation: each site's pair counts checked, and the round's C-index their exact sum.</summary>
public sealed class SurvivalJobTests
{
    private static readonly Guid Job = Guid.NewGuid();
    private static readonly DateTimeOffset T0 = new(2026, 12, 6, 10, 0, 0, TimeSpan.Zero);
    private static readonly ModelSpec Cox = Model with { Task = ModelTasks.Survival };
    private readonly JobState state = new();

    public SurvivalJobTests()
    {
        foreach (var e in JobState.Create(Job, Spec(rounds: 1) with { Model = Cox }, ["A", "B"], T0)) state.Apply(e);
        foreach (var site in new[] { "A", "B" })
            foreach (var e in state.OnUpdate(Update(Job, 1, site, [1, 1, 1], 10), T0).Events) state.Apply(e);
    }

    private static EvaluationSubmitted Survival(string site, long comparable, double concordant, double? auc = null, double accuracy = double.NaN)
    {
        var binary = GoodEvaluation(Job, 1, site);
        var c = comparable == 0 ? double.NaN : concordant / comparable;
        return binary with
        {
            Evaluation = binary.Evaluation with
            {
                Metrics = binary.Evaluation.Metrics with { Auc = auc ?? c, Accuracy = accuracy, Loss = 3.2 },
                Concordance = new ConcordanceSums { Comparable = comparable, Concordant = concordant },
            },
        };
    }

    [Fact]
    public void The_rounds_c_index_is_the_sum_of_the_sites_concordant_pairs_over_the_sum_of_their_comparable_pairs()
    {
        foreach (var e in state.OnAnswer(Survival("A", 100, 70), T0).Events) state.Apply(e);
        var closing = state.OnAnswer(Survival("B", 300, 180), T0);
        var round = closing.Events.OfType<RoundClosed>().Single().Summary;
        // (70 + 180) / (100 + 300) = 0.625, not the mean of 0.70 and 0.60.
        Assert.Equal(0.625, round.Global!.Auc, 12);
        Assert.True(double.IsNaN(round.Global.Accuracy));
        Assert.Equal(40, round.Global.Samples);
    }

    [Theory]
    [InlineData("no pairs", "evaluation of A has no concordance pairs, which a survival job needs for its C-index")]
    [InlineData("more concordant than comparable", "evaluation of A has 120 concordant of 100 comparable pairs")]
    [InlineData("c-index not from its pairs", "evaluation of A has C-index 0.9, but its pairs give 0.7")]
    [InlineData("an accuracy", "evaluation of A has out-of-range metrics (auc 0.7, accuracy 0.5, loss 3.2)")]
    public void A_survival_evaluation_whose_figures_do_not_hold_together_is_refused_with_the_reason(string what, string reason)
    {
        var evaluation = what switch
        {
            "no pairs" => Survival("A", 100, 70) with { Evaluation = Survival("A", 100, 70).Evaluation with { Concordance = null } },
            "more concordant than comparable" => Survival("A", 100, 120, auc: 1),
            "c-index not from its pairs" => Survival("A", 100, 70, auc: 0.9),
            "an accuracy" => Survival("A", 100, 70, accuracy: 0.5),
            _ => throw new ArgumentException(what),
        };
        Assert.Equal(reason, state.OnAnswer(evaluation, T0).Refusal);
    }

    [Fact]
    public void A_binary_job_refuses_pair_counts_and_a_survival_job_refuses_dp_sgd()
    {
        var binary = new JobState();
        foreach (var e in JobState.Create(Job, Spec(rounds: 1), ["A", "B"], T0)) binary.Apply(e);
        foreach (var site in new[] { "A", "B" })
            foreach (var e in binary.OnUpdate(Update(Job, 1, site, [1, 1, 1], 10), T0).Events) binary.Apply(e);
        var withPairs = GoodEvaluation(Job, 1, "A") with
        {
            Evaluation = GoodEvaluation(Job, 1, "A").Evaluation with { Concordance = new ConcordanceSums { Comparable = 1, Concordant = 1 } },
        };
        Assert.Equal("evaluation of A carries concordance pairs, which a binary job does not ask for", binary.OnAnswer(withPairs, T0).Refusal);

        var dp = Spec(rounds: 1) with { Model = Cox, Privacy = new DpSgdSettings { NoiseMultiplier = 1, ClipNorm = 1, SamplingRate = 0.1 } };
        Assert.Contains(JobSpecRules.Problems(dp), p => p.StartsWith("privacy: DP-SGD needs each row's own gradient", StringComparison.Ordinal));
        Assert.Equal(0.625, TaskMetrics.Pool(ModelTasks.Survival, [Survival("A", 100, 70).Evaluation, Survival("B", 300, 180).Evaluation]).Auc, 12);
    }
}
