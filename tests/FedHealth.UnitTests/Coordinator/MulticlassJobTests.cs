using FedHealth.Contracts;
using FedHealth.Coordinator.Jobs;
using FedHealth.Learning.Metrics;
using FedHealth.Learning.Models;
using static FedHealth.Tests.Coordinator.JobFixtures;

namespace FedHealth.Tests.Coordinator;

/// <summary>A multiclass job's evaluation: every figure a site sends is checked on the coordinator, and the round's pooled exactly where it can be.</summary>
public sealed class MulticlassJobTests
{
    private static readonly Guid Job = Guid.NewGuid();
    private static readonly DateTimeOffset T0 = new(2026, 12, 6, 10, 0, 0, TimeSpan.Zero);
    private static readonly ModelSpec Softmax = Model with { Task = ModelTasks.Multiclass, Classes = 3 };
    private readonly JobState state = new();

    public MulticlassJobTests()
    {
        foreach (var e in JobState.Create(Job, Spec(rounds: 1) with { Model = Softmax }, ["A", "B"], T0)) state.Apply(e);
        var layout = ParameterLayout.For(Softmax);
        foreach (var site in new[] { "A", "B" })
            foreach (var e in state.OnUpdate(Update(Job, 1, site, [1, 1, 1], 10) with
            {
                Weights = new FlatParameters(layout, [.. Enumerable.Repeat(0.1f, layout.TotalCount)]).ToWeights(),
            }, T0).Events) state.Apply(e);
    }

    /// <summary>Thirty rows, ten of each class, eight of ten right in each class (the misses off the diagonal, so suppressed).</summary>
    private static EvaluationSubmitted Good(string site, int right = 8)
    {
        var probabilities = new List<float>();
        var labels = new List<float>();
        for (var c = 0; c < 3; c++)
            for (var i = 0; i < 10; i++)
            {
                var predicted = i < right ? c : (c + 1) % 3;
                probabilities.AddRange(Enumerable.Range(0, 3).Select(k => k == predicted ? 0.6f + i / 100f : 0.2f - i / 200f));
                labels.Add(c);
            }
        var (metrics, histograms) = MulticlassMetrics.Evaluate([.. probabilities], [.. labels], 3);
        return new EvaluationSubmitted
        {
            JobId = Job, Round = 1, SiteId = site,
            Evaluation = new SiteEvaluation { SiteId = site, Metrics = metrics, ClassHistograms = histograms },
        };
    }

    private static EvaluationSubmitted With(EvaluationSubmitted e, Func<MulticlassFigures, MulticlassFigures> change) =>
        e with { Evaluation = e.Evaluation with { Metrics = e.Evaluation.Metrics with { Multiclass = change(e.Evaluation.Metrics.Multiclass!) } } };

    [Fact]
    public void The_rounds_accuracy_and_balanced_accuracy_are_exact_over_both_sites_and_the_matrix_their_sum()
    {
        foreach (var e in state.OnAnswer(Good("A", right: 8), T0).Events) state.Apply(e);
        var round = state.OnAnswer(Good("B", right: 6), T0).Events.OfType<RoundClosed>().Single().Summary;
        // (24 + 18) right of 60.
        Assert.Equal(42.0 / 60, round.Global!.Accuracy, 12);
        Assert.Equal(42.0 / 60, round.Global.Multiclass!.BalancedAccuracy, 12);
        Assert.Equal([14L, 0, 0], round.Global.Multiclass.Confusion[0]);
        Assert.Equal([20L, 20, 20], round.Global.Multiclass.ClassRows);
        Assert.True(double.IsNaN(round.Global.Auc));
        Assert.Equal(0.7, PrimaryFigure.ValueOf(ModelTasks.Multiclass, round.Global), 12);
    }

    [Theory]
    [InlineData("four classes", "evaluation of A: multiclass.classes is 4, but the job's model has 3")]
    [InlineData("rows that do not add up", "evaluation of A: multiclass.classRows (10, 10, 9) do not add up to its 30 samples")]
    [InlineData("a small cell", "evaluation of A: multiclass.confusion[0][1] holds 2 rows: an off-diagonal cell of 1 to 9 rows could single out patients " +
        "(send 0 or 10+)")]
    [InlineData("an accuracy not from the matrix", "evaluation of A has accuracy 0.9, but its confusion matrix gives 0.8")]
    [InlineData("a balanced accuracy not from the matrix", "evaluation of A has balanced accuracy 0.5, but its confusion matrix gives 0.8000000000000002")]
    [InlineData("an auc in the binary field", "evaluation of A has out-of-range metrics (auc 0.9, accuracy 0.8, loss 0.5)")]
    [InlineData("no class histograms", "evaluation of A: classHistograms has 0 histograms for 3 classes")]
    [InlineData("no multiclass figures", "evaluation of A has no multiclass figures, which a multiclass job needs")]
    [InlineData("a subgroup of too few rows", "evaluation of A: subgroup 'sex' group 'f' has a score on 12 rows (scored groups need 20+ rows)")]
    [InlineData("a subgroup auc", "evaluation of A: subgroup 'sex' group 'f' has an AUC 0.7, which a multiclass job does not ask for")]
    public void A_multiclass_evaluation_whose_figures_do_not_hold_together_is_refused_naming_the_site_and_field(string what, string reason)
    {
        var good = Good("A");
        var evaluation = what switch
        {
            "four classes" => With(good, f => f with { Classes = 4 }),
            "rows that do not add up" => With(good, f => f with { ClassRows = [10, 10, 9] }),
            "a small cell" => With(good, f => f with { Confusion = [[8, 2, 0], [0, 8, 0], [0, 0, 8]] }),
            "an accuracy not from the matrix" => good with { Evaluation = good.Evaluation with { Metrics = good.Evaluation.Metrics with { Accuracy = 0.9 } } },
            "a balanced accuracy not from the matrix" => With(good, f => f with { BalancedAccuracy = 0.5 }),
            "an auc in the binary field" => good with
            {
                Evaluation = good.Evaluation with { Metrics = good.Evaluation.Metrics with { Auc = 0.9, Loss = 0.5 } },
            },
            "no class histograms" => good with { Evaluation = good.Evaluation with { ClassHistograms = null } },
            "no multiclass figures" => good with { Evaluation = good.Evaluation with { Metrics = good.Evaluation.Metrics with { Multiclass = null } } },
            "a subgroup of too few rows" => good with { Evaluation = good.Evaluation with { Subgroups = Groups(score: 0.8, auc: null, female: 12) } },
            "a subgroup auc" => good with { Evaluation = good.Evaluation with { Subgroups = Groups(score: null, auc: 0.7, female: 20) } },
            _ => throw new ArgumentException(what),
        };
        if (what == "an auc in the binary field")
            evaluation = evaluation with { Evaluation = evaluation.Evaluation with { Metrics = evaluation.Evaluation.Metrics with { Accuracy = 0.8 } } };
        Assert.Equal(reason, state.OnAnswer(evaluation, T0).Refusal);
    }

    private static IReadOnlyList<SubgroupMetrics> Groups(double? score, double? auc, int female) =>
    [
        new SubgroupMetrics { Subgroup = "sex", Group = "f", Samples = female, Score = score, Auc = auc },
        new SubgroupMetrics { Subgroup = "sex", Group = "m", Samples = 30 - female },
    ];

    [Fact]
    public void A_binary_job_refuses_multiclass_figures_and_a_multiclass_job_a_single_histogram()
    {
        var binary = new JobState();
        foreach (var e in JobState.Create(Job, Spec(rounds: 1), ["A", "B"], T0)) binary.Apply(e);
        foreach (var site in new[] { "A", "B" })
            foreach (var e in binary.OnUpdate(Update(Job, 1, site, [1, 1, 1], 10), T0).Events) binary.Apply(e);
        var good = GoodEvaluation(Job, 1, "A");
        var withFigures = good with
        {
            Evaluation = good.Evaluation with { Metrics = good.Evaluation.Metrics with { Multiclass = Good("A").Evaluation.Metrics.Multiclass } },
        };
        Assert.Equal("evaluation of A carries multiclass figures, which a binary job does not ask for", binary.OnAnswer(withFigures, T0).Refusal);

        var oneHistogram = Good("A") with { Evaluation = Good("A").Evaluation with { Histogram = good.Evaluation.Histogram } };
        Assert.Equal("evaluation of A: a multiclass evaluation carries classHistograms, not histogram", state.OnAnswer(oneHistogram, T0).Refusal);
    }
}
