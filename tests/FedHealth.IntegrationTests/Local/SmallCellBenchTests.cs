using FedHealth.Cli.Bench;

namespace FedHealth.Tests.Local;

/// <summary>`fedhealth bench small-cells`, small: exact, fine and sent pooled AUC per federation, and the one-feature attack answered.</summary>
public sealed class SmallCellBenchTests
{
    [Fact]
    public async Task A_small_bench_prints_the_pooled_auc_three_ways_and_no_small_cell_in_what_sites_send()
    {
        using var output = new StringWriter();
        await SmallCellBench.Run(rounds: 2, seeds: 1, output, new CancellationTokenSource(TimeSpan.FromMinutes(5)).Token);
        var text = output.ToString();
        Assert.Matches(@"breast-prognosis\s+1\s+0\.\d{4}\s+0\.\d{4}\s+0\.\d{4}\s+[+-]0\.\d{4}\s+0\.\d{4}", text);
        Assert.Matches(@"breast-prognosis\s+\d+ histograms: fine\s+[1-9]\d* small cells \(\d+ of one patient\); sent 0", text);
        Assert.Matches(@"wdbc\s+\d+ histograms: fine\s+[1-9]\d* small cells \(\d+ of one patient\); sent 0", text);
        Assert.Contains("Reproduce: ./fedhealth bench small-cells --rounds 2 --seeds 1", text);
    }
}
