using System.Text;
using System.Text.Json;
using FedHealth.Contracts;
using FedHealth.Coordinator.Hosting;
using FedHealth.Coordinator.Jobs;
using FedHealth.Learning.Metrics;

namespace FedHealth.Tests.Coordinator;

/// <summary>A journal written before sites coarsened their histograms still replays, and its evaluations still pool.</summary>
public sealed class OldHistogramJournalTests
{
    [Fact]
    public void An_evaluation_journaled_with_1000_equal_bins_and_no_edges_reads_back_and_pools_with_a_coarsened_one()
    {
        var (scores, labels) = FedHealth.Tests.Learning.SmallCellCoarseningTests.RandomSite(7);
        var positives = new int[1000];
        var negatives = new int[1000];
        for (var i = 0; i < scores.Length; i++) (labels[i] >= 0.5f ? positives : negatives)[Math.Clamp((int)(scores[i] * 1000), 0, 999)]++;
        var old = new SiteEvaluation
        {
            SiteId = "OLD", Metrics = BinaryMetrics.Compute(scores, labels),
            Histogram = new ScoreHistogram { Positives = positives, Negatives = negatives },
        };
        var json = JsonSerializer.Serialize(new EvaluationReceived(1, old), JournalSerializer.Options).Replace("\"Edges\":null,", "");
        Assert.DoesNotContain("Edges", json);

        var back = (EvaluationReceived)JournalSerializer.Deserialize(Encoding.UTF8.GetBytes(json), nameof(EvaluationReceived));
        Assert.Null(back.Evaluation.Histogram!.Edges);
        Assert.Equal(1000, back.Evaluation.Histogram.Positives.Count);
        var now = back.Evaluation with { SiteId = "NEW", Histogram = BinaryMetrics.Histogram(scores, labels) };
        var pooled = BinaryMetrics.Pool([back.Evaluation, now]);
        Assert.InRange(pooled.Auc - BinaryMetrics.Auc([.. scores, .. scores], [.. labels, .. labels]), -0.01, 0.01);
    }
}
