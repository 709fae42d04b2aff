using FedHealth.Contracts;
using static TorchSharp.torch;

namespace FedHealth.Learning.Torch.PerSample;

/// <summary>
/// Losses that give one value per row ([batch]), never their mean: DP-SGD clips each row's gradient, so it needs each
/// row's loss. Any task's loss fits the <c>Func&lt;Tensor logits, Tensor labels, Tensor perRowLoss&gt;</c> shape.
/// </summary>
public static class PerRowLosses
{
    /// <summary>Binary cross-entropy with logits, one value per row.</summary>
    public static readonly Func<Tensor, Tensor, Tensor> BinaryCrossEntropy =
        (logits, labels) => nn.functional.binary_cross_entropy_with_logits(logits, labels, reduction: nn.Reduction.None);

    /// <summary>Softmax cross-entropy of each row's class (labels hold class indices), one value per row.</summary>
    public static readonly Func<Tensor, Tensor, Tensor> CrossEntropy =
        (logits, labels) => nn.functional.cross_entropy(logits, labels.to_type(ScalarType.Int64), reduction: nn.Reduction.None);

    /// <summary>Each row's squared error (the label standardised as the schema says), one value per row.</summary>
    public static readonly Func<Tensor, Tensor, Tensor> SquaredError =
        (outputs, labels) => nn.functional.mse_loss(outputs, labels, reduction: nn.Reduction.None);

    /// <summary>
    /// A task's per-row loss: the rows' mean is <see cref="TaskLoss.Of"/>'s loss for the same task. Survival has none:
    /// a row's term of the Cox partial likelihood depends on its whole risk set.
    /// </summary>
    public static Func<Tensor, Tensor, Tensor> For(string task) => task switch
    {
        ModelTasks.Multiclass => CrossEntropy,
        ModelTasks.Regression => SquaredError,
        ModelTasks.Survival => throw new ArgumentException("a survival loss has no per-row form: a row's term depends on its whole risk set"),
        _ => BinaryCrossEntropy,
    };
}
