using FedHealth.Contracts;
using FedHealth.Learning.Metrics;

namespace FedHealth.Tests.Learning;

/// <summary>What a receiver refuses in a site's histogram, each refusal naming the field.</summary>
public sealed class ScoreHistogramCheckTests
{
    private static readonly ScoreHistogram Good = new() { Edges = [0, 0.5, 1], Positives = [0, 12], Negatives = [15, 10] };

    [Fact]
    public void A_coarsened_histogram_a_one_bin_histogram_and_an_old_equal_bin_one_without_small_cells_pass()
    {
        Assert.Null(ScoreHistogramCheck.Problem(Good, 37));
        Assert.Null(ScoreHistogramCheck.Problem(new ScoreHistogram { Edges = [0, 1], Positives = [2], Negatives = [3] }, 5));
        Assert.Null(ScoreHistogramCheck.Problem(new ScoreHistogram { Positives = [0, 10, 0, 0], Negatives = [11, 0, 0, 20] }, 41));
    }

    public static TheoryData<ScoreHistogram?, int, string> Malformed => new()
    {
        { null, 10, "histogram is missing" },
        { Good with { Negatives = null! }, 37, "histogram.negatives is missing" },
        { Good with { Negatives = [15, 10, 0] }, 37, "histogram.negatives has 3 bins but histogram.positives has 2" },
        { Good with { Positives = [], Negatives = [] }, 0, "histogram.positives has 0 bins" },
        { new ScoreHistogram { Positives = new int[2048], Negatives = new int[2048] }, 0, "histogram.positives has 2048 bins (1 to 1024 allowed)" },
        { Good with { Edges = [0, 1] }, 37, "histogram.edges has 2 values for 2 bins (needs 3)" },
        { Good with { Edges = [0, 0.5, 0.9] }, 37, "histogram.edges run from 0 to 0.9, not from 0 to 1" },
        { Good with { Edges = [0, 1, 1] }, 37, "histogram.edges[2] is 1, not above histogram.edges[1] (1)" },
        { Good with { Edges = [0, double.NaN, 1] }, 37, "histogram.edges[1] is NaN" },
        { Good with { Negatives = [-5, 30] }, 37, "histogram.negatives[0] is -5 (counts cannot be negative)" },
        { Good, 40, "histogram counts add up to 37 rows, not the 40 samples of its metrics" },
    };

    [Theory]
    [MemberData(nameof(Malformed))]
    public void A_malformed_histogram_is_refused_naming_the_field(ScoreHistogram? histogram, int samples, string expected) =>
        Assert.Contains(expected, ScoreHistogramCheck.Problem(histogram, samples));

    [Fact]
    public void A_cell_of_1_to_k_minus_1_rows_is_refused_naming_the_cell_and_its_range()
    {
        var single = Good with { Positives = [1, 12] };
        Assert.Equal("histogram.positives[0] holds 1 rows in [0, 0.5): a cell of 1 to 9 rows could single out patients (coarsen to 10+ or 0)",
            ScoreHistogramCheck.Problem(single, 38));
        // An old site's 1000 equal bins with a single patient in one of them.
        var fine = new int[1000];
        fine[700] = 1;
        Assert.Contains("histogram.positives[700] holds 1 rows in [0.7, 0.701)",
            ScoreHistogramCheck.Problem(new ScoreHistogram { Positives = fine, Negatives = new int[1000] }, 1));
    }
}
