using FedHealth.Contracts;
using FedHealth.Learning.Data;
using static TorchSharp.torch;

namespace FedHealth.Learning.Torch;

/// <summary>
/// Each task's training loss, averaged over the rows given: binary cross-entropy on the logit, the Cox partial likelihood
/// over the rows' risk sets (survival), softmax cross-entropy on the class logits (multiclass), or the squared error of
/// the standardised label (regression). The one place a trainer asks which loss a label takes.
/// </summary>
public static class TaskLoss
{
    /// <param name="outputs">The model's outputs for the rows: [rows] for one output, [rows, classes] for multiclass.</param>
    /// <param name="labels">The rows' labels as <see cref="TabularData.Labels"/> holds them (class indices for multiclass).</param>
    /// <param name="times">Survival: the rows' times; null otherwise.</param>
    public static Tensor Of(string task, Tensor outputs, Tensor labels, Tensor? times) => task switch
    {
        ModelTasks.Survival => CoxLoss.Of(outputs, times ?? throw new ArgumentException("a survival loss needs the rows' times"), labels),
        ModelTasks.Multiclass => nn.functional.cross_entropy(outputs, labels.to_type(ScalarType.Int64)),
        ModelTasks.Regression => nn.functional.mse_loss(outputs, labels),
        _ => nn.functional.binary_cross_entropy_with_logits(outputs, labels),
    };
}
