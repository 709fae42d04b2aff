using FedHealth.Contracts;
using FedHealth.Learning.Metrics;

namespace FedHealth.Tests.Learning;

public sealed class BinaryMetricsTests
{
    [Fact]
    public void Auc_counts_ordered_pairs_and_half_of_ties()
    {
        // positives 0.9, 0.4; negatives 0.4, 0.1: pairs (0.9>0.4)(0.9>0.1)(0.4=0.4 -> 1/2)(0.4>0.1) = 3.5 / 4
        Assert.Equal(0.875, BinaryMetrics.Auc([0.9f, 0.4f, 0.4f, 0.1f], [1, 1, 0, 0]), 12);
        Assert.Equal(1.0, BinaryMetrics.Auc([0.8f, 0.2f], [1, 0]), 12);
        Assert.True(double.IsNaN(BinaryMetrics.Auc([0.8f, 0.2f], [1, 1])));
    }

    [Fact]
    public void Fine_histogram_auc_matches_exact_auc_when_scores_fall_in_distinct_bins()
    {
        var random = new Random(5);
        var scores = Enumerable.Range(0, 400).Select(_ => (float)random.NextDouble()).ToArray();
        var labels = scores.Select(s => random.NextDouble() < s ? 1f : 0f).ToArray();
        var exact = BinaryMetrics.Auc(scores, labels);
        var binned = BinaryMetrics.AucFromHistogram(BinaryMetrics.Histogram(scores, labels, minCell: 1));
        Assert.InRange(binned - exact, -0.002, 0.002);
    }

    [Fact]
    public void Pooling_sites_gives_the_auc_of_all_their_rows_together()
    {
        var random = new Random(9);
        var scores = Enumerable.Range(0, 300).Select(_ => (float)random.NextDouble()).ToArray();
        var labels = scores.Select(s => random.NextDouble() < s ? 1f : 0f).ToArray();
        SiteEvaluation Site(string id, Range r) => new()
        {
            SiteId = id,
            Metrics = BinaryMetrics.Compute(scores[r], labels[r]),
            Histogram = BinaryMetrics.Histogram(scores[r], labels[r]),
        };
        var pooled = BinaryMetrics.Pool([Site("a", 0..100), Site("b", 100..300)]);
        var whole = BinaryMetrics.Compute(scores, labels);
        Assert.Equal(300, pooled.Samples);
        // The histograms are coarsened to cells of 0 or 10+ rows: pairs across sites are estimated, not counted.
        Assert.InRange(pooled.Auc - whole.Auc, -0.01, 0.01);
        Assert.Equal(whole.Accuracy, pooled.Accuracy, 9);
        Assert.Equal(whole.Loss, pooled.Loss, 6);
    }
}
