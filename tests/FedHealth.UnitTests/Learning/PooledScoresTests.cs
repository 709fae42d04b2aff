using FedHealth.Contracts;
using FedHealth.Learning.Metrics;

namespace FedHealth.Tests.Learning;

/// <summary>One AUC from sites whose histograms were coarsened differently.</summary>
public sealed class PooledScoresTests
{
    [Fact]
    public void Histograms_with_different_edges_pool_into_the_exact_auc_when_their_bins_order_every_pair()
    {
        // Site A cut at 0.5 only, site B at quarters; every negative lies below 0.5 and every positive above.
        var a = new ScoreHistogram { Edges = [0, 0.5, 1], Positives = [0, 12], Negatives = [15, 0] };
        var b = new ScoreHistogram { Edges = [0, 0.25, 0.5, 0.75, 1], Positives = [0, 0, 0, 10], Negatives = [10, 20, 0, 0] };
        Assert.Equal(1.0, PooledScores.Auc([a, b]), 12);
        // The other way round every pair is discordant.
        var c = new ScoreHistogram { Edges = [0, 0.5, 1], Positives = [12, 0], Negatives = [0, 15] };
        Assert.Equal(0.0, PooledScores.Auc([c, b with { Positives = [10, 0, 0, 0], Negatives = [0, 0, 10, 20] }]), 12);
    }

    [Fact]
    public void Equal_bins_pool_as_before_pairs_in_one_bin_counting_one_half()
    {
        // Old sites' histograms name no edges: equal bins. Bin 0: 1 positive, 1 negative (a tie); bin 1: 1 positive.
        var old = new ScoreHistogram { Positives = [1, 1], Negatives = [1, 0] };
        Assert.Equal((0.5 + 1) / 2, PooledScores.Auc([old]), 12);
        Assert.Equal(PooledScores.Auc([old, old]), PooledScores.Auc([old with { Edges = [0, 0.5, 1] }, old]), 12);
    }

    [Fact]
    public void Pairs_within_a_site_come_from_its_own_exact_auc()
    {
        var oneBin = new ScoreHistogram { Edges = [0, 1], Positives = [12], Negatives = [30] };
        Assert.Equal(0.5, PooledScores.Auc([oneBin]), 12);
        Assert.Equal(0.83, PooledScores.Auc([(oneBin, 0.83)]), 12);
    }

    [Fact]
    public void Sites_that_all_sent_one_bin_give_no_pooled_auc_rather_than_a_guess()
    {
        var oneBin = new ScoreHistogram { Edges = [0, 1], Positives = [4], Negatives = [6] };
        Assert.True(double.IsNaN(PooledScores.Auc([(oneBin, 0.9), (oneBin, 0.8)])));
    }

    [Fact]
    public void The_pooled_auc_of_coarsened_sites_stays_close_to_the_exact_auc_of_all_their_rows()
    {
        // Three sites of 120, 250 and 400 rows from one score model, as the coordinator pools them.
        var random = new Random(11);
        var sites = new[] { 120, 250, 400 }.Select(rows =>
        {
            var labels = Enumerable.Range(0, rows).Select(_ => random.NextDouble() < 0.35 ? 1f : 0f).ToArray();
            var scores = labels.Select(l => (float)Math.Clamp(0.4 + 0.15 * l + 0.15 * (random.NextDouble() + random.NextDouble() - 1), 0, 1)).ToArray();
            return (scores, labels);
        }).ToList();
        var exact = BinaryMetrics.Auc(sites.SelectMany(s => s.scores).ToArray(), sites.SelectMany(s => s.labels).ToArray());
        var pooled = BinaryMetrics.Pool(sites.Select((s, i) => new SiteEvaluation
        {
            SiteId = $"S{i}", Metrics = BinaryMetrics.Compute(s.scores, s.labels), Histogram = BinaryMetrics.Histogram(s.scores, s.labels),
        }).ToList());
        Assert.InRange(pooled.Auc - exact, -0.01, 0.01);
    }
}
