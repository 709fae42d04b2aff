using FedHealth.Cli.Bench;
using FedHealth.Tests.Support;

namespace FedHealth.Tests.Privacy;

/// <summary>The dp-step bench runs end to end on a tiny batch, so it does not rot; its figures are the bench's business, not a test's.</summary>
[Collection(TorchCollection.Name)]
public sealed class DpStepBenchTests
{
    [Fact]
    public void The_dp_step_bench_times_every_model_and_says_how_to_reproduce_it()
    {
        var output = new StringWriter();
        Assert.Equal(0, DpStepBench.Run(repeats: 1, batches: [4], threads: 0, output));
        var text = output.ToString();
        Assert.Contains("mlp 8→16→1", text);
        Assert.Contains("small CNN 28x28→10", text);
        Assert.Contains("Reproduce: ./fedhealth bench dp-step --repeats 1 --batches 4", text);
    }
}
