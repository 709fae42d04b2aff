using FedHealth.Contracts;
using FedHealth.Coordinator.Jobs;
using static FedHealth.Tests.Coordinator.JobFixtures;

namespace FedHealth.Tests.Coordinator;

/// <summary>A site's histogram with a small cell or a broken shape, or a subgroup AUC over a few patients, is refused with its reason; the round goes on
/// without it.</summary>
public sealed class SmallCellRefusalTests
{
    private static readonly Guid Job = Guid.NewGuid();
    private static readonly DateTimeOffset T0 = new(2026, 12, 4, 10, 0, 0, TimeSpan.Zero);
    private readonly JobState state = new();

    public SmallCellRefusalTests()
    {
        Apply(JobState.Create(Job, Spec(rounds: 1, minSites: 2), ["A", "B", "C"], T0));
        foreach (var site in new[] { "A", "B", "C" }) Apply(state.OnUpdate(Update(Job, 1, site, [1, 1, 1], 10), T0).Events);
    }

    [Fact]
    public void An_evaluation_whose_histogram_counts_a_single_patient_is_refused_naming_site_and_cell()
    {
        var good = GoodEvaluation(Job, 1, "A");
        var leaky = good with
        {
            Evaluation = good.Evaluation with { Histogram = new ScoreHistogram { Edges = [0, 0.5, 0.75, 1], Positives = [0, 9, 1], Negatives = [10, 0, 0] } },
        };
        var decision = state.OnAnswer(leaky, T0);
        Assert.Equal("evaluation of A: histogram.positives[1] holds 9 rows in [0.5, 0.75): a cell of 1 to 9 rows could single out patients (coarsen to 10+ " +
            "or 0)", decision.Refusal);
        Assert.Empty(decision.Events);
    }

    [Fact]
    public void A_refused_histogram_leaves_the_round_to_the_other_sites()
    {
        var good = GoodEvaluation(Job, 1, "A");
        var malformed = good with { Evaluation = good.Evaluation with { Histogram = good.Evaluation.Histogram! with { Edges = [0.5, 0, 1] } } };
        Assert.Contains("evaluation of A: histogram.edges", state.OnAnswer(malformed, T0).Refusal);

        foreach (var site in new[] { "B", "C" }) Apply(state.OnAnswer(GoodEvaluation(Job, 1, site), T0).Events);
        var closed = Assert.IsType<RoundClosed>(state.OnDeadline(state.Step, state.Deadline)[0]);
        Assert.Equal(["B", "C"], closed.Summary.Sites.Select(s => s.SiteId));
        Assert.Equal(1.0, closed.Summary.Global!.Auc, 9);
    }

    [Fact]
    public void A_subgroup_auc_over_fewer_than_k_rows_of_each_class_is_refused()
    {
        var good = GoodEvaluation(Job, 1, "A");
        var leaky = good with
        {
            Evaluation = good.Evaluation with
            {
                Subgroups = [new SubgroupMetrics { Subgroup = "age band", Group = "> 65", Samples = 15, Auc = 0.93 },
                    new SubgroupMetrics { Subgroup = "age band", Group = "≤ 65", Samples = 5 }],
            },
        };
        Assert.Equal(
            "evaluation of A: subgroup 'age band' group '> 65' has AUC 0.93 on 15 rows (scored groups need 10+ rows of each class and an AUC in [0, 1])",
            state.OnAnswer(leaky, T0).Refusal);
    }

    private void Apply(IEnumerable<IJobEvent> events)
    {
        foreach (var e in events) state.Apply(e);
    }
}
