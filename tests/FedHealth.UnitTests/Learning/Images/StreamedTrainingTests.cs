using FedHealth.Contracts;
using FedHealth.Learning.Data;
using FedHealth.Learning.Images;
using FedHealth.Learning.Models;
using FedHealth.Learning.Torch;
using FedHealth.Tests.Support;
using static TorchSharp.torch;

namespace FedHealth.Tests.Learning.Images;

/// <summary>
/// An image site's rows: labels in memory, pixels read from disk a batch at a time. Training, DP-SGD and scoring on them
/// must give what the same pixels give held in memory, and nothing may read them all at once by accident.
/// </summary>
[Collection(TorchCollection.Name)]
public sealed class StreamedTrainingTests : IDisposable
{
    private const int Side = 8;
    private const int Count = 300;
    private readonly TestImages images = new();

    public void Dispose() => images.Dispose();

    /// <summary>300 grey 8×8 records in three classes, each class a brighter band at its own rows, plus seeded noise.</summary>
    private ImageDataset Open()
    {
        var random = new Random(5);
        var labels = Enumerable.Range(0, Count).Select(i => (byte)(i % 3)).ToList();
        var records = labels.Select(label => Enumerable.Range(0, Side * Side)
            .Select(p => (byte)Math.Clamp((p / Side / 3 == label ? 180 : 40) + random.Next(-30, 30), 0, 255)).ToArray()).ToList();
        images.IdxImages("images.idx", Side, Side, records);
        images.IdxLabels("labels.idx", labels);
        return ImageDataset.Open(images.Schema("\"idx\": { \"images\": \"images.idx\", \"labels\": \"labels.idx\" }", "\"0\", \"1\", \"2\"", Side, Side, 1,
            ", \"normalisation\": { \"mean\": [0.3], \"std\": [0.3] }"));
    }

    /// <summary>The same rows with every pixel read into memory: the path tabular training has always taken (one tensor, indexed per batch).</summary>
    private static TabularData InMemory(TabularData streamed) =>
        new TabularData(Enumerable.Range(0, Side * Side).Select(i => $"p{i}").ToList(), streamed.ReadFeatures(Enumerable.Range(0, streamed.Rows).ToList()),
            streamed.Labels, labelTask: streamed.LabelTask).WithInputShape([1, Side, Side]);

    private static ModelSpec Cnn() => new()
    {
        Kind = ModelKinds.SmallCnn, Features = Side * Side, Input = [1, Side, Side], Task = ModelTasks.Multiclass, Classes = 3,
    };

    private static float[] Trained(ModelSpec spec, TabularData data, Func<DeclaredNetwork, TabularData, object> train)
    {
        using var scope = NewDisposeScope();
        var model = (DeclaredNetwork)TorchModels.Create(spec);
        ModelParameters.Write(model, FlatParameters.Initial(ParameterLayout.For(spec), seed: 3));
        train(model, data);
        return ModelParameters.Read(model, ParameterLayout.For(spec)).Values;
    }

    [Fact]
    public void An_image_source_becomes_rows_whose_pixels_are_never_held_all_at_once()
    {
        using var dataset = Open();
        var rows = dataset.Rows();

        Assert.Equal(Count, rows.Rows);
        Assert.Equal(new[] { 1, Side, Side }, rows.InputShape);
        Assert.Equal(new[] { "image:1x8x8" }, rows.FeatureNames);
        Assert.Equal(new LabelTask(ModelTasks.Multiclass, 3), rows.LabelTask);
        var e = Assert.Throws<InvalidOperationException>(() => rows.Features);
        Assert.Contains("streamed from disk", e.Message);
        Assert.Equal(0, dataset.Decoded);

        // A split keeps streaming: its rows read the source's own records.
        var split = TrainTestSplit.Stratified(rows, 0.3, seed: 1);
        Assert.Equal(Count, split.Train.Rows + split.Test.Rows);
        var first = split.Test.ReadFeatures([0]);
        var label = (int)split.Test.Labels[0];
        var whole = rows.ReadFeatures(Enumerable.Range(0, Count).ToList());
        Assert.Contains(Enumerable.Range(0, Count).Where(i => rows.Labels[i] == label),
            i => whole.AsSpan(i * Side * Side, Side * Side).SequenceEqual(first));
        var pooled = TabularData.Concat([split.Train, split.Test]);
        Assert.Equal(Count, pooled.Rows);
        Assert.Equal(first, pooled.ReadFeatures([split.Train.Rows]));
    }

    [Fact]
    public void A_site_declines_a_model_that_reads_another_shape_than_its_images_naming_both()
    {
        using var dataset = Open();
        var rows = dataset.Rows();

        Assert.Null(FedHealth.SiteAgent.SiteModels.TaskProblem(Cnn(), rows));
        Assert.Equal("the job's model reads inputs of shape [3, 8, 8], and this site's rows are [1, 8, 8]",
            FedHealth.SiteAgent.SiteModels.TaskProblem(Cnn() with { Features = 192, Input = [3, 8, 8] }, rows));
        Assert.Equal("the job's model reads inputs of shape [64], and this site's rows are [1, 8, 8]",
            FedHealth.SiteAgent.SiteModels.TaskProblem(Cnn() with { Kind = ModelKinds.Mlp, Input = null }, rows));
    }

    [Fact]
    public void Streamed_images_train_and_score_exactly_as_the_same_pixels_in_memory()
    {
        using var dataset = Open();
        var streamed = dataset.Rows();
        var memory = InMemory(streamed);
        var spec = Cnn();
        var plan = new TrainingPlan { LocalEpochs = 2, BatchSize = 32, LearningRate = 0.1 };

        var fromDisk = Trained(spec, streamed, (m, d) => LocalTrainer.Train(m, d, plan, seed: 7, CPU));
        Assert.True(dataset.Decoded >= 2 * Count);
        var fromMemory = Trained(spec, memory, (m, d) => LocalTrainer.Train(m, d, plan, seed: 7, CPU));
        Assert.Equal(fromMemory, fromDisk);

        using var model = (DeclaredNetwork)TorchModels.Create(spec);
        ModelParameters.Write(model, new FlatParameters(ParameterLayout.For(spec), fromDisk));
        var onDisk = ModelEvaluator.Evaluate("site", model, streamed, CPU).Metrics;
        var inMemory = ModelEvaluator.Evaluate("site", model, memory, CPU).Metrics;
        Assert.Equal(inMemory.Accuracy, onDisk.Accuracy);
        Assert.Equal(inMemory.Loss, onDisk.Loss, 5);
        Assert.InRange(onDisk.Accuracy, 0.9, 1);
    }

    [Fact]
    public void Dp_sgd_on_streamed_images_takes_the_same_noisy_steps_as_in_memory()
    {
        using var dataset = Open();
        var streamed = dataset.Rows();
        var memory = InMemory(streamed);
        var spec = Cnn();
        var plan = new TrainingPlan { LocalEpochs = 1, BatchSize = 32, LearningRate = 0.1 };
        var dp = new DpSgdSettings { SamplingRate = 0.1, ClipNorm = 1, NoiseMultiplier = 1 };

        var fromDisk = Trained(spec, streamed, (m, d) => DpSgdTrainer.Train(m, d, plan, dp, seed: 9, CPU));
        var fromMemory = Trained(spec, memory, (m, d) => DpSgdTrainer.Train(m, d, plan, dp, seed: 9, CPU));

        Assert.Equal(fromMemory.Length, fromDisk.Length);
        Assert.All(fromDisk.Zip(fromMemory), p => Assert.Equal(p.Item2, p.Item1, 5));
    }
}
