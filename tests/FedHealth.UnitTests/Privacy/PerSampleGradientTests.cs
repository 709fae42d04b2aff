using FedHealth.Contracts;
using FedHealth.Learning.Models;
using FedHealth.Learning.Torch;
using FedHealth.Learning.Torch.PerSample;
using FedHealth.Tests.Support;
using static TorchSharp.torch;
using L = FedHealth.Contracts.LayerKinds;

namespace FedHealth.Tests.Privacy;

/// <summary>
/// The batched per-sample gradients (one traced forward, one backward pass) against one backward pass per row, layer
/// kind by layer kind: each row's gradient norm and the clipped sum, with the clip norm set between the rows' norms so
/// that some rows are clipped and others are not.
/// </summary>
[Collection(TorchCollection.Name)]
public sealed class PerSampleGradientTests
{
    private const int Rows = 12;

    [Fact]
    public void The_logistic_and_mlp_presets_give_each_rows_gradient_as_a_backward_pass_per_row_does()
    {
        AssertBatchedEqualsPerRow(TorchModels.Create(new ModelSpec { Kind = ModelKinds.Logistic, Features = 6 }), Vectors(6), BinaryLabels());
        AssertBatchedEqualsPerRow(TorchModels.Create(new ModelSpec { Kind = ModelKinds.Mlp, Features = 6, HiddenUnits = 5 }), Vectors(6), BinaryLabels());
    }

    [Fact]
    public void Linear_layers_without_bias_layer_norm_and_a_residual_block_give_each_rows_gradient()
    {
        var spec = Declared(6,
            new LayerSpec { Kind = L.Linear, Units = 8, Bias = false, Name = "hidden" }, new LayerSpec { Kind = L.LayerNorm, Name = "norm" },
            new LayerSpec { Kind = L.Gelu },
            new LayerSpec
            {
                Kind = L.Residual, Name = "block",
                Layers = [new LayerSpec { Kind = L.LayerNorm }, new LayerSpec { Kind = L.Linear, Units = 8 }, new LayerSpec { Kind = L.Tanh }],
            },
            new LayerSpec { Kind = L.Linear, Units = 1, Name = "head" });
        AssertBatchedEqualsPerRow(TorchModels.Create(spec), Vectors(6), BinaryLabels());
    }

    [Fact]
    public void A_conv1d_on_a_plain_vector_with_stride_padding_pooling_and_layer_norm_over_positions_gives_each_rows_gradient()
    {
        var spec = Declared(11,
            new LayerSpec { Kind = L.Conv1d, Units = 4, Kernel = 3, Stride = 2, Padding = 1, Name = "conv" }, new LayerSpec { Kind = L.Silu },
            new LayerSpec { Kind = L.LayerNorm, Name = "norm" },
            new LayerSpec { Kind = L.Conv1d, Units = 3, Kernel = 2, Bias = false, Name = "conv2" }, new LayerSpec { Kind = L.MaxPool1d, Kernel = 2 },
            new LayerSpec { Kind = L.Flatten }, new LayerSpec { Kind = L.Linear, Units = 1, Name = "head" });
        AssertBatchedEqualsPerRow(TorchModels.Create(spec), Vectors(11), BinaryLabels());
    }

    [Fact]
    public void Embeddings_give_each_rows_gradient_also_when_rows_share_a_category()
    {
        string[] features = ["site", "stage", "age", "size"];
        var spec = Declared(4,
            new LayerSpec { Kind = L.Embedding, Feature = "site", Categories = 3, Dimensions = 2, Name = "sites" },
            new LayerSpec { Kind = L.Embedding, Feature = "stage", Categories = 4, Dimensions = 3, Name = "stages" },
            new LayerSpec { Kind = L.Linear, Units = 4, Name = "hidden" }, new LayerSpec { Kind = L.Relu },
            new LayerSpec { Kind = L.Linear, Units = 1, Name = "head" });
        using var codes = cat([randint(0, 3, [Rows, 1]), randint(0, 4, [Rows, 1])], 1).to(ScalarType.Float32);
        AssertBatchedEqualsPerRow(TorchModels.Create(spec, features), cat([codes, Vectors(2)], 1), BinaryLabels());
    }

    [Fact]
    public void The_small_cnn_gives_each_rows_gradient_for_a_binary_and_a_ten_class_loss()
    {
        // On 12x12 images the first convolution forms each row's gradient (12x12 positions, 144 weights) and the second
        // takes the ghost norm (6x6 positions, 4,608 weights): both ways are held to the reference.

        random.manual_seed(11);
        using var images = randn(Rows, 1, 12, 12);
        AssertBatchedEqualsPerRow(SmallCnn.Create(1, 12, 1), images, BinaryLabels());
        Func<Tensor, Tensor, Tensor> crossEntropy = (logits, labels) => nn.functional.cross_entropy(logits, labels, reduction: nn.Reduction.None);
        using var classes = randint(0, 10, [Rows]);
        AssertBatchedEqualsPerRow(SmallCnn.Create(1, 12, 10), images, classes, crossEntropy);
    }

    [Fact]
    public void A_residual_block_with_a_strided_shortcut_gives_each_rows_gradient_through_both_paths()
    {
        var spec = new ModelSpec
        {
            Kind = ModelKinds.Declared, Features = 64, Input = [1, 8, 8],
            Layers =
            [
                new LayerSpec
                {
                    Kind = L.Residual, Name = "block",
                    Layers = [new() { Kind = L.Conv2d, Name = "conv", Units = 4, Kernel = 3, Padding = 1, Stride = 2 }, new() { Kind = L.Relu }],
                    Shortcut = [new() { Kind = L.Conv2d, Name = "conv", Units = 4, Kernel = 1, Stride = 2 }],
                },
                new() { Kind = L.Flatten }, new() { Kind = L.Linear, Units = 1 },
            ],
        };
        random.manual_seed(12);
        using var images = randn(Rows, 1, 8, 8);
        AssertBatchedEqualsPerRow(TorchModels.Create(spec), images, BinaryLabels());
    }

    [Fact]
    public void A_model_with_batch_norm_is_named_as_one_the_batched_pass_cannot_take()
    {
        var spec = Declared(6, new LayerSpec { Kind = L.Linear, Units = 4 }, new LayerSpec { Kind = L.BatchNorm1d },
            new LayerSpec { Kind = L.Linear, Units = 1 });
        using var model = TorchModels.Create(spec);
        Assert.Contains("mixes the rows", BatchedClipping.CannotBatch(model));
        using var mlp = TorchModels.Create(new ModelSpec { Kind = ModelKinds.Mlp, Features = 6 });
        Assert.Null(BatchedClipping.CannotBatch(mlp));
    }

    private static void AssertBatchedEqualsPerRow(nn.Module<Tensor, Tensor> model, Tensor inputs, Tensor labels, Func<Tensor, Tensor, Tensor>? loss = null)
    {
        using var _ = NewDisposeScope();
        using (model)
        {
            model.train();
            loss ??= PerRowLosses.BinaryCrossEntropy;
            var unclipped = PerRowClipping.Clip(model, inputs, labels, loss, double.PositiveInfinity);
            var norms = unclipped.RowNorms.data<float>().ToArray();
            // Between the rows' norms: the rows above it are clipped, the rows below it are not.
            var clip = norms.Order().ElementAt(Rows / 2) * 0.99;
            Assert.Contains(norms, n => n > clip);
            Assert.Contains(norms, n => n < clip);
            foreach (var clipNorm in new[] { double.PositiveInfinity, clip })
            {
                var expected = PerRowClipping.Clip(model, inputs, labels, loss, clipNorm);
                var batched = BatchedClipping.Clip(model, inputs, labels, loss, clipNorm);
                Assert.True(batched.RowNorms.allclose(expected.RowNorms, rtol: 1e-4, atol: 1e-6), "row norms differ");
                Assert.Equal(expected.Sums.Count, batched.Sums.Count);
                for (var i = 0; i < expected.Sums.Count; i++)
                {
                    Assert.Equal(expected.Sums[i].shape, batched.Sums[i].shape);
                    Assert.True(batched.Sums[i].allclose(expected.Sums[i], rtol: 1e-4, atol: 1e-6),
                        $"parameter {i}, clip {clipNorm}: largest difference {(batched.Sums[i] - expected.Sums[i]).abs().max().item<float>()}");
                }
            }
        }
    }

    private static ModelSpec Declared(int features, params LayerSpec[] layers) => new() { Kind = ModelKinds.Declared, Features = features, Layers = layers };

    private static Tensor Vectors(int width)
    {
        random.manual_seed(width);
        return randn(Rows, width) * 2;
    }

    private static Tensor BinaryLabels() => tensor(Enumerable.Range(0, Rows).Select(i => (float)(i % 3 == 0 ? 1 : 0)).ToArray());
}
