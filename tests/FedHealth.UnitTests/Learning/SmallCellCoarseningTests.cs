using FedHealth.Contracts;
using FedHealth.Learning.Metrics;
using FedHealth.Tests.Support;

namespace FedHealth.Tests.Learning;

/// <summary>The histogram a site sends holds no cell of 1 to k − 1 rows of a class, loses no row, and keeps its bins on the fine grid.</summary>
public sealed class SmallCellCoarseningTests
{
    private const int K = ScoreHistogram.MinCell;

    public static TheoryData<int> Seeds => [.. Enumerable.Range(1, 40)];

    [Theory]
    [MemberData(nameof(Seeds))]
    public void No_cell_of_a_sent_histogram_holds_1_to_k_minus_1_rows_of_a_class_and_every_row_is_kept(int seed)
    {
        var (scores, labels) = RandomSite(seed);
        var h = BinaryMetrics.Histogram(scores, labels);

        if (h.Positives.Count > 1)
            Assert.All(h.Positives.Concat(h.Negatives), c => Assert.True(c == 0 || c >= K, $"a cell of {c} rows"));
        Assert.Equal(labels.Count(l => l >= 0.5f), h.Positives.Sum());
        Assert.Equal(labels.Count(l => l < 0.5f), h.Negatives.Sum());
        Assert.Null(ScoreHistogramCheck.Problem(h, labels.Length));
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public void Bins_cover_0_to_1_in_order_with_every_edge_on_the_fine_grid(int seed)
    {
        var (scores, labels) = RandomSite(seed);
        var edges = BinaryMetrics.Histogram(scores, labels).Edges!;

        Assert.Equal(0.0, edges[0]);
        Assert.Equal(1.0, edges[^1]);
        Assert.All(edges.Zip(edges.Skip(1)), e => Assert.True(e.Item2 > e.Item1));
        Assert.All(edges, e => Assert.Equal(Math.Round(e * ScoreHistogram.FineBins), e * ScoreHistogram.FineBins));
    }

    [Fact]
    public void A_bin_closes_as_soon_as_both_its_counts_are_safe_so_a_lone_row_joins_the_rows_above_it()
    {
        float[] scores = [.. Enumerable.Repeat(0.1f, 10), .. Enumerable.Repeat(0.9f, 10)];
        float[] labels = [.. Enumerable.Repeat(0f, 10), .. Enumerable.Repeat(1f, 10)];
        var apart = BinaryMetrics.Histogram(scores, labels);
        // [0, the fine bin of 0.1] holds the negatives, the next bin up to the fine bin of 0.9 the positives.
        Assert.Equal([0.0, 103.0 / 1024, 922.0 / 1024, 1.0], apart.Edges);
        Assert.Equal([0, 10, 0], apart.Positives);
        Assert.Equal([10, 0, 0], apart.Negatives);

        // One more positive at 0.7 would be a cell of one: it shares the positives' bin.
        var withLone = BinaryMetrics.Histogram([.. scores, 0.7f], [.. labels, 1f]);
        Assert.Equal(apart.Edges, withLone.Edges);
        Assert.Equal([0, 11, 0], withLone.Positives);
    }

    [Fact]
    public void A_small_remainder_at_the_top_joins_the_bins_below_until_they_are_safe()
    {
        float[] scores = [.. Enumerable.Repeat(0.1f, 10), .. Enumerable.Repeat(0.5f, 10), 0.9f, 0.9f, 0.95f];
        float[] labels = [.. Enumerable.Repeat(0f, 10), .. Enumerable.Repeat(1f, 13)];
        var h = BinaryMetrics.Histogram(scores, labels);
        Assert.Equal([0.0, 103.0 / 1024, 1.0], h.Edges);
        Assert.Equal([0, 13], h.Positives);
        Assert.Equal([10, 0], h.Negatives);
    }

    [Fact]
    public void A_site_with_fewer_than_k_rows_of_a_class_sends_one_bin_its_class_counts()
    {
        float[] scores = [0.1f, 0.2f, 0.3f, 0.4f, 0.5f, 0.6f, 0.7f, 0.8f, 0.9f, 0.95f, 0.97f, 0.99f];
        float[] labels = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1];
        var h = BinaryMetrics.Histogram(scores, labels);
        Assert.Equal([0.0, 1.0], h.Edges);
        Assert.Equal([2], h.Positives);
        Assert.Equal([10], h.Negatives);
    }

    [Fact]
    public void A_model_that_weighs_one_feature_only_no_longer_counts_single_patients_by_that_feature()
    {
        // The attack: score = sigmoid(age), so each fine bin holds the patients of one age.
        var data = ShippedData.Gbsg;
        var age = data.FeatureNames.ToList().IndexOf("age");
        var scores = Enumerable.Range(0, data.Rows).Select(r => 1f / (1f + MathF.Exp(-data.Features[r * data.Width + age]))).ToArray();

        var fine = BinaryMetrics.Histogram(scores, data.Labels, minCell: 1);
        Assert.Contains(1, fine.Positives.Concat(fine.Negatives));
        var sent = BinaryMetrics.Histogram(scores, data.Labels);
        Assert.All(sent.Positives.Concat(sent.Negatives), c => Assert.True(c == 0 || c >= K));
        Assert.True(sent.Positives.Count > 1, "a cohort of hundreds still has more than one bin");
    }

    [Fact]
    public void A_min_cell_of_one_keeps_the_equal_fine_bins()
    {
        var (scores, labels) = RandomSite(3);
        var fine = BinaryMetrics.Histogram(scores, labels, minCell: 1);
        Assert.Equal(Enumerable.Range(0, ScoreHistogram.FineBins + 1).Select(b => (double)b / ScoreHistogram.FineBins), fine.Edges);
    }

    /// <summary>A site of 20 to 400 rows, scores bunched or spread, with few or many positives: the shapes that leave small cells.</summary>
    internal static (float[] Scores, float[] Labels) RandomSite(int seed)
    {
        var random = new Random(seed);
        var rows = random.Next(20, 400);
        var spread = 0.05 + random.NextDouble() * 0.3;
        var prevalence = 0.05 + random.NextDouble() * 0.5;
        var labels = Enumerable.Range(0, rows).Select(_ => random.NextDouble() < prevalence ? 1f : 0f).ToArray();
        var scores = labels.Select(l => (float)Math.Clamp(0.5 + (l - 0.5) * 0.3 + spread * Normal(random), 0, 1)).ToArray();
        return (scores, labels);
    }

    private static double Normal(Random random) => Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}
