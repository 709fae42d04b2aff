namespace FedHealth.Contracts;

/// <summary>
/// One named parameter tensor on the wire: float32 values, little-endian, row-major, with the shape they fill
/// and the SHA-256 (lower-case hex) of <see cref="Data"/> so corruption in transit is caught before use.
/// </summary>
public sealed record TensorPayload
{
    public required string Name { get; init; }
    public required int[] Shape { get; init; }
    public string DType { get; init; } = "float32";
    public required byte[] Data { get; init; }
    public required string Sha256 { get; init; }
}
