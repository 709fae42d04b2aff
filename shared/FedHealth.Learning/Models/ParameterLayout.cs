using FedHealth.Contracts;

namespace FedHealth.Learning.Models;

/// <summary>One parameter tensor of a model: its name (as the TorchSharp module names it) and its shape.</summary>
public sealed record ParameterShape(string Name, int[] Shape)
{
    /// <summary>Checked: a shape whose product overflows throws rather than wrapping to a small or negative count.</summary>
    public int Count => checked(Shape.Aggregate(1, (a, b) => a * b));
}

/// <summary>The ordered parameters of a model, so the flat vector federated averaging moves can be cut back into tensors.</summary>
public sealed record ParameterLayout(IReadOnlyList<ParameterShape> Parameters)
{
    /// <summary>
    /// The most parameters a model may have: 250M floats, a gigabyte per copy (the coordinator holds a few, a site a
    /// few more). The large-model test moves 75M. A lead's hiddenUnits of 268435456 overflowed the count and left the
    /// job actor throwing every 5 s.
    /// </summary>
    public const long MaxParameters = 250_000_000;

    public int TotalCount => checked(Parameters.Sum(p => p.Count));

    public static ParameterLayout For(ModelSpec spec)
    {
        if (spec.Features < 1) throw new ArgumentException($"model needs at least one feature, got {spec.Features}");
        ParameterLayout layout = spec.Kind switch
        {
            ModelKinds.Logistic => new([new("linear.weight", [1, spec.Features]), new("linear.bias", [1])]),
            ModelKinds.Mlp when spec.HiddenUnits >= 1 => new([
                new("hidden.weight", [spec.HiddenUnits, spec.Features]), new("hidden.bias", [spec.HiddenUnits]),
                new("output.weight", [1, spec.HiddenUnits]), new("output.bias", [1])]),
            ModelKinds.Mlp => throw new ArgumentException($"an mlp needs at least one hidden unit, got {spec.HiddenUnits}"),
            _ => throw new ArgumentException($"unknown model kind '{spec.Kind}' (known: {string.Join(", ", ModelKinds.All)})"),
        };
        // Counted from the shapes in 64-bit arithmetic, so no kind's count can wrap before it is judged.
        var count = layout.Parameters.Sum(p => p.Shape.Aggregate(1L, (a, b) => a * b));
        if (count > MaxParameters)
            throw new ArgumentException(
                $"{count:N0} parameters (features {spec.Features}, hiddenUnits {spec.HiddenUnits}) is more than the {MaxParameters:N0} a model may have");
        return layout;
    }
}

/// <summary>The model kinds every site can train.</summary>
public static class ModelKinds
{
    public const string Logistic = "logistic";
    public const string Mlp = "mlp";
    public static readonly IReadOnlyList<string> All = [Logistic, Mlp];
}
