using FedHealth.Learning.Images;
using FedHealth.SiteAgent.Doctor;
using FedHealth.Tests.Support;

namespace FedHealth.Tests.Learning.Images;

/// <summary>
/// Fashion-MNIST as Debian's dataset-fashion-mnist installs it (IDX, gzip; a standard image benchmark, not medical
/// data): infra/datasets/fashion-mnist.sh installs it for the test run; without it these tests are skipped, saying so.
/// </summary>
public sealed class FashionMnistTests : IDisposable
{
    public const string Folder = FashionMnistFactAttribute.Folder;
    private readonly TestImages scratch = new();

    public void Dispose() => scratch.Dispose();

    private string TestSetSchema()
    {
        var classes = string.Join(", ", Enumerable.Range(0, 10).Select(i => $"\"{i}\""));
        return scratch.Schema($"\"idx\": {{ \"images\": \"{Folder}/t10k-images-idx3-ubyte.gz\", \"labels\": \"{Folder}/t10k-labels-idx1-ubyte.gz\" }}",
            classes, 28, 28, 1, ", \"resize\": false, \"normalisation\": { \"mean\": [0.2860], \"std\": [0.3530] }");
    }

    [FashionMnistFact]
    public void Doctor_finds_the_ten_thousand_test_images_a_thousand_per_class()
    {
        var result = ImageSourceCheck.Run(TestSetSchema());

        Assert.Equal(CheckStatus.Pass, result.Status);
        Assert.Contains("10000 usable images (by class: " + string.Join(", ", Enumerable.Range(0, 10).Select(i => $"1000 '{i}'")) + ")", result.Detail);
        Assert.Contains("28×28 on disk", result.Detail);
    }

    [FashionMnistFact]
    public void The_test_set_streams_in_batches_of_normalised_pixels()
    {
        using var dataset = ImageDataset.Open(TestSetSchema());

        var first = dataset.Batches(batchSize: 256, training: true, seed: 1).First();

        Assert.Equal(new long[] { 256, 1, 28, 28 }, first.Shape);
        Assert.Equal(256, dataset.Decoded);
        Assert.All(first.Pixels, p => Assert.InRange(p, (0 - 0.2860f) / 0.3530f - 1e-4f, (1 - 0.2860f) / 0.3530f + 1e-4f));
        Assert.InRange(first.Pixels.Average(), -0.3, 0.3);
    }
}
