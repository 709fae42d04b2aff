using FedHealth.Contracts;
using FedHealth.SiteAgent;
using FedHealth.SiteAgent.Bench;
using FedHealth.Tests.Support;
using static TorchSharp.torch;

namespace FedHealth.Tests.Sites;

/// <summary>
/// The CPU-against-CUDA bench a hospital (or the consortium, on its GPU machine) runs on a site's own data. Here
/// there is no GPU: the comparison itself is checked by running the CPU twice, which must agree exactly.
/// </summary>
[Collection(TorchCollection.Name)]
public sealed class DeviceBenchTests
{
    private static string SiteConfig => Path.Combine(Paths.Sites, "de-gbsg.json");

    [Fact]
    public void Two_runs_from_the_same_weights_and_batch_order_learn_the_same_model_and_the_report_says_so()
    {
        var config = SiteConfigFile.Read(SiteConfig);
        var data = SiteData.Load(config.Data);
        var spec = new ModelSpec { Kind = "mlp", Features = data.Split.Train.Width, HiddenUnits = 16 };
        var runs = DeviceBench.Run(data, config.Site.Id, spec, new TrainingPlan { LocalEpochs = 20, BatchSize = 32 }, seed: 1, [CPU, CPU]);

        Assert.Equal(2, runs.Count);
        Assert.Equal(runs[0].Parameters, runs[1].Parameters);
        Assert.InRange(runs[0].Test.Auc, 0.6, 1.0); // it learned the prognosis, not noise
        Assert.True(runs[0].MillisecondsPerStep > 0);
        var report = DeviceBench.Report(runs).ToList();
        Assert.StartsWith("device", report[0]);
        Assert.Contains("cpu vs cpu: step time ratio", report[^1]);
        Assert.Contains("|ΔAUC| 0.00000", report[^1]);
        Assert.Contains("max |Δweight| 0.0e+0", report[^1]);
    }

    [Fact]
    public async Task The_bench_command_prints_the_cpu_figures_and_says_when_there_is_no_gpu_to_compare()
    {
        using var output = new StringWriter();
        using var errors = new StringWriter();
        var code = await BenchCommand.RunAsync(["--config", SiteConfig, "--epochs", "2", "--hidden", "8"], output, errors);
        Assert.True(code == 0, errors.ToString());
        var lines = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Contains("site DE-GBSG, mlp (8 features, 8 hidden), 2 epochs of 285 rows", lines[0]);
        Assert.StartsWith("cpu ", lines[2]);
        if (!cuda.is_available()) Assert.StartsWith("cuda: not available here", lines[^1]);
        else Assert.Contains("vs cpu: step time ratio", lines[^1]);
    }

    [Fact]
    public async Task An_image_site_benches_the_small_cnn_on_its_images_and_reports_accuracy()
    {
        using var images = new FedHealth.Tests.Learning.Images.TestImages();
        var random = new Random(3);
        var labels = Enumerable.Range(0, 60).Select(i => (byte)(i % 3)).ToList();
        images.IdxImages("images.idx", 8, 8, labels.Select(l => Enumerable.Range(0, 64).Select(p => (byte)(p / 8 / 3 == l ? 200 : random.Next(60))).ToArray())
            .ToList());
        images.IdxLabels("labels.idx", labels);
        images.Schema("\"idx\": { \"images\": \"images.idx\", \"labels\": \"labels.idx\" }", "\"0\", \"1\", \"2\"", 8, 8, 1);
        var config = images.Text("site.json", """{ "site": { "id": "IMG-01", "jurisdiction": "DE" }, "data": { "images": "schema.json" } }""");
        using var output = new StringWriter();
        using var errors = new StringWriter();

        var code = await BenchCommand.RunAsync(["--config", config, "--epochs", "2", "--batch", "8"], output, errors);

        Assert.True(code == 0, errors.ToString());
        var lines = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Contains("site IMG-01, small-cnn (images 1x8x8), 2 epochs of 42 rows, batch 8", lines[0]);
        Assert.Contains("test accuracy", lines[1]);
        Assert.StartsWith("cpu ", lines[2]);
    }

    [Fact]
    public async Task Bad_bench_settings_are_refused_naming_the_option()
    {
        using var output = new StringWriter();
        using var errors = new StringWriter();
        Assert.Equal(1, await BenchCommand.RunAsync(["--config", SiteConfig, "--epochs", "many"], output, errors));
        Assert.Contains("--epochs: 'many' is not a positive whole number", errors.ToString());
        Assert.Equal(1, await BenchCommand.RunAsync(["--config", SiteConfig, "--model", "forest"], output, errors));
        Assert.Contains("unknown model kind 'forest'", errors.ToString());
        Assert.Equal(2, await BenchCommand.RunAsync(["--epochs", "2"], output, errors));
    }
}
