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
}
