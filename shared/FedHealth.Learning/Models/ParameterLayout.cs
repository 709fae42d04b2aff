using FedHealth.Contracts;

namespace FedHealth.Learning.Models;

/// <summary>One parameter tensor of a model: its name (as the TorchSharp module names it) and its shape.</summary>
public sealed record ParameterShape(string Name, int[] Shape)
{
    public int Count => Shape.Aggregate(1, (a, b) => a * b);
}

/// <summary>The ordered parameters of a model, so the flat vector federated averaging moves can be cut back into tensors.</summary>
public sealed record ParameterLayout(IReadOnlyList<ParameterShape> Parameters)
{
    public int TotalCount => Parameters.Sum(p => p.Count);

    public static ParameterLayout For(ModelSpec spec)
    {
        if (spec.Features < 1) throw new ArgumentException($"model needs at least one feature, got {spec.Features}");
        return spec.Kind switch
        {
            ModelKinds.Logistic => new([new("linear.weight", [1, spec.Features]), new("linear.bias", [1])]),
            ModelKinds.Mlp when spec.HiddenUnits >= 1 => new([
                new("hidden.weight", [spec.HiddenUnits, spec.Features]), new("hidden.bias", [spec.HiddenUnits]),
                new("output.weight", [1, spec.HiddenUnits]), new("output.bias", [1])]),
            ModelKinds.Mlp => throw new ArgumentException($"an mlp needs at least one hidden unit, got {spec.HiddenUnits}"),
            _ => throw new ArgumentException($"unknown model kind '{spec.Kind}' (known: {string.Join(", ", ModelKinds.All)})"),
        };
    }
}

/// <summary>The model kinds every site can train.</summary>
public static class ModelKinds
{
    public const string Logistic = "logistic";
    public const string Mlp = "mlp";
    public static readonly IReadOnlyList<string> All = [Logistic, Mlp];
}
