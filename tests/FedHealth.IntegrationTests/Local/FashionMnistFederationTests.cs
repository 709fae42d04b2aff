using FedHealth.Cli.Local;
using FedHealth.Contracts;
using FedHealth.Learning.Data;
using FedHealth.Learning.Models;
using FedHealth.Learning.Strategies;
using FedHealth.Learning.Torch;
using FedHealth.Tests.Support;

namespace FedHealth.Tests.Local;

/// <summary>
/// `fedhealth local --federation fashion-mnist` on a few hundred images per site (Fashion-MNIST: a standard image
/// benchmark, not medical data): image sites cut with label skew and one darker site, convolutional networks trained
/// under secure aggregation, and FedBN keeping each site's batch-norm statistics at the site.
/// </summary>
public sealed class FashionMnistFederationTests : IDisposable
{
    private readonly TempFolder temp = new();

    public void Dispose() => temp.Dispose();

    /// <summary>The shipped federation cut smaller: its first three sites, about 150 images each, the third one darker.</summary>
    private string SmallFederation() =>
        FedHealth.Cli.Images.FederationCut.Make(LocalRunOptions.ShippedFederation("fashion-mnist"), Path.Combine(temp.Path, "fashion-mnist"), 150, 3);

    private async Task<(LocalRunResult Run, string DataDir)> Run(string federation, string model, IReadOnlyList<LayerSpec>? layers = null,
        StrategySpec? strategy = null)
    {
        var dataDir = Path.Combine(temp.Path, $"run-{Guid.NewGuid():N}");
        return (await new LocalFederation(new LocalRunOptions
        {
            Rounds = 3, Seed = 1, Headless = true, DataDir = dataDir, FederationDir = federation, Model = model, Layers = layers, LocalEpochs = 2,
            LearningRate = 0.05, Strategy = strategy ?? new StrategySpec(),
        }, new StringWriter()).Run(new CancellationTokenSource(TimeSpan.FromMinutes(4)).Token), dataDir);
    }

    private static float[] FinalModel((LocalRunResult Run, string DataDir) job)
    {
        var run = job.Run;
        var path = Path.Combine(job.DataDir, "models", $"{run.Summary.JobId}.pt");
        using var model = ModelFiles.Load(path, run.Spec.Model, run.Spec.FeatureNames);
        return ModelParameters.Read(model, ParameterLayout.For(run.Spec.Model)).Values;
    }

    [FashionMnistFact]
    public async Task Image_sites_train_the_small_cnn_under_secure_aggregation_from_their_streamed_images()
    {
        var federation = SmallFederation();

        var (run, _) = await Run(federation, ModelKinds.SmallCnn);

        Assert.Equal("completed", run.Summary.Outcome);
        Assert.True(run.Spec.SecureAggregation);
        Assert.Equal(["image:1x28x28"], run.Spec.FeatureNames);
        Assert.Equal([1, 28, 28], run.Spec.Model.Input);
        Assert.Equal((ModelTasks.Multiclass, 10), (run.Spec.Model.Task, run.Spec.Model.Classes));
        Assert.All(run.Sites, s => Assert.NotNull(s.Split.Train.Streamed));
        Assert.InRange(run.Summary.Sites.Sum(s => s.TrainSamples + s.TestSamples), 440, 450);
        Assert.Equal(3, run.Rounds[^1].Sites.Count);
        // Three rounds on a few hundred images: far above the 10% of guessing, far below what the full benchmark reaches.
        Assert.InRange(run.Rounds[^1].Global!.Accuracy, 0.3, 1);
        Assert.True(File.Exists(Path.Combine(federation, "data", "FMNIST-03.images.idx")));
    }

    [FashionMnistFact]
    public async Task FedBN_keeps_each_sites_batch_norm_statistics_at_the_site()
    {
        var federation = SmallFederation();
        var layers = DeclaredLayers.Read("declared", Path.Combine(federation, "cnn-bn.layers.json"));

        var fedBn = await Run(federation, ModelKinds.Declared, layers, new StrategySpec { LocalBatchNorm = LocalBatchNorm.Statistics });
        var fedAvg = await Run(federation, ModelKinds.Declared, layers);

        Assert.Equal("completed", fedBn.Run.Summary.Outcome);
        Assert.True(fedBn.Run.Spec.SecureAggregation);
        var layout = ParameterLayout.For(fedBn.Run.Spec.Model);
        var statistics = LocalBatchNorm.Spans(layout, LocalBatchNorm.Statistics);
        Assert.Equal(4, statistics.Count);
        // The global model's running statistics never moved from where they started (mean 0, variance 1): no site's left it.
        var kept = LocalBatchNorm.Take(FinalModel(fedBn), statistics);
        Assert.Equal(LocalBatchNorm.Take(FlatParameters.Initial(layout, fedBn.Run.Spec.Seed).Values, statistics), kept);
        // Averaged, they move: the same job without FedBN.
        Assert.NotEqual(kept, LocalBatchNorm.Take(FinalModel(fedAvg), statistics));
        // Each site scored the global model with its own statistics.
        Assert.InRange(fedBn.Run.Rounds[^1].Global!.Accuracy, 0.3, 1);
    }
}
