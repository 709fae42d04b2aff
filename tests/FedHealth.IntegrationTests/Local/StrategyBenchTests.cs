using FedHealth.Cli.Bench;
using FedHealth.Contracts;

namespace FedHealth.Tests.Local;

/// <summary>`fedhealth bench strategies`, small: it runs each strategy as a local federation and prints FLamby's table.</summary>
public sealed class StrategyBenchTests
{
    [Fact]
    public async Task A_small_bench_prints_pooled_local_each_strategy_personal_models_and_the_cross_site_matrix()
    {
        using var output = new StringWriter();
        await StrategyBench.Run("breast-prognosis", rounds: 2, seeds: 1, "logistic", ["fedavg", "fedmedian"], ["finetune"], "fedavg", output,
            new CancellationTokenSource(TimeSpan.FromMinutes(5)).Token, new PersonalisationSpec { Method = "finetune", Epochs = 3, EarlyStopping = true });
        var text = output.ToString();
        foreach (var row in new[] { "pooled (central)", "local DE-GBSG", "local NL-ROTTERDAM-C", "fedavg (secure)", "fedmedian (plain)",
            "personal (finetune, fedavg)" })
            Assert.Contains(row, text);
        Assert.Matches(@"best federated: \S+ \((secure|plain)\) 0\.\d{4} ± 0\.\d{4} vs pooled 0\.\d{4}", text);
        Assert.Contains("personal (finetune, fedavg) vs each site's local model on its own held-out rows: better at", text);
        Assert.Contains("Cross-site (finetune)", text);
        Assert.Contains("Reproduce: ./fedhealth bench strategies --federation breast-prognosis --rounds 2 --seeds 1 --model logistic --strategies fedavg " +
            "fedmedian --personal-base fedavg --personal-epochs 3 --personal-early-stopping", text);
    }

    [Fact]
    public async Task An_unknown_federation_is_refused_naming_the_ones_there_are()
    {
        var error = await Assert.ThrowsAsync<ArgumentException>(() =>
            StrategyBench.Run("nowhere", 2, 1, "logistic", ["fedavg"], [], "fedavg", TextWriter.Null, CancellationToken.None));
        Assert.Contains("--federation: no federation 'nowhere' (there are: breast-prognosis, breast-prognosis-survival, digits, fashion-mnist, " +
            "ncctg-lung, pima-glucose, wdbc)", error.Message);
    }
}
