namespace FedHealth.Contracts;

/// <summary>A model's full parameter set, as ordered named tensors (the order is the model's own).</summary>
public sealed record ModelWeights
{
    public required IReadOnlyList<TensorPayload> Tensors { get; init; }
}
