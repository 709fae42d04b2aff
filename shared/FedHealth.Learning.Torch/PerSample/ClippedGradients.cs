using static TorchSharp.torch;

namespace FedHealth.Learning.Torch.PerSample;

/// <summary>
/// One batch's gradients clipped row by row: each row's whole-model gradient norm ‖gᵢ‖ (before clipping) and, for every
/// parameter in <c>model.parameters()</c> order, Σᵢ cᵢ·gᵢ with cᵢ = min(1, C / ‖gᵢ‖): what DP-SGD adds its noise to.
/// </summary>
public sealed record ClippedGradients(Tensor RowNorms, IReadOnlyList<Tensor> Sums);
