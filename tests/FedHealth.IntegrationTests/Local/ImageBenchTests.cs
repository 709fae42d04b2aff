using FedHealth.Cli.Bench;
using FedHealth.Tests.Support;

namespace FedHealth.Tests.Local;

/// <summary>`fedhealth bench images`, small: each run completes under secure aggregation and prints its figures beside pooled training.</summary>
public sealed class ImageBenchTests
{
    [FashionMnistFact]
    public async Task A_small_image_bench_prints_fedavg_and_fedbn_against_pooled_and_a_sites_memory()
    {
        using var output = new StringWriter();
        await ImageBench.Run(new ImageBench.Settings(ImagesPerSite: 40, Rounds: 1, Epochs: 1, LearningRate: 0.1, BatchSize: 16, Seed: 1,
            ServerLearningRate: 0.01, DpSamplingRate: 0.05, DpLearningRate: 0.5, Runs: ["fedavg", "fedbn"], MemorySteps: 1), output,
            new CancellationTokenSource(TimeSpan.FromMinutes(5)).Token);
        var text = output.ToString();

        Assert.Contains("Fashion-MNIST (a standard image benchmark, not medical data) on 10 simulated sites", text);
        // A line per run: model, parameters, federated and pooled accuracy, their difference, seconds a round, peak memory, ten sites' accuracy.
        Assert.Matches(@"\nfedavg\s+small-cnn\s+9,930\s+0\.\d{4}\s+0\.\d{4}\s+[+-]0\.\d{4}\s+\d+\.\d\s+\d+(\s+\d\.\d{3}){10}\r?\n", text);
        Assert.Matches(@"\nfedbn\s+cnn-bn\s+10,122\s+0\.\d{4}\s+0\.\d{4}\s+[+-]0\.\d{4}\s+\d+\.\d\s+\d+(\s+\d\.\d{3}){10}\r?\n", text);
        Assert.DoesNotContain("the job ", text);
        Assert.Matches(@"resnet18\s+11,182,410 parameters \(44\.7 MB as float32\): \d+ ms a step", text);
        Assert.Contains("Reproduce: ./fedhealth bench images --images-per-site 40 --rounds 1", text);
    }
}
