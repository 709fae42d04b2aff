namespace FedHealth.Contracts;

/// <summary>Which model a job trains. <see cref="Kind"/> is "logistic" or "mlp"; <see cref="HiddenUnits"/> applies to "mlp".</summary>
public sealed record ModelSpec
{
    public required string Kind { get; init; }
    public required int Features { get; init; }
    public int HiddenUnits { get; init; } = 16;
}
