using FedHealth.Contracts;

namespace FedHealth.Learning.Models;

/// <summary>
/// One parameter tensor of a model: its name (as the TorchSharp module names it) and its shape; how it starts
/// (<see cref="Init"/>, with <see cref="FanIn"/> for the uniform ±1/√fan-in of linear and convolution layers; 0: the
/// weight's second dimension, as the presets always had); and whether it is a buffer the module keeps but does not
/// train (a batch norm's running mean and variance), moved and averaged like the parameters.
/// </summary>
public sealed record ParameterShape(string Name, int[] Shape)
{
    public ParameterInit Init { get; init; } = ParameterInit.Uniform;
    public int FanIn { get; init; }
    public bool Buffer { get; init; }

    /// <summary>Checked: a shape whose product overflows throws rather than wrapping to a small or negative count.</summary>
    public int Count => checked(Shape.Aggregate(1, (a, b) => a * b));
}

/// <summary>How a parameter starts: uniform in ±1/√fan-in, ones, zeros, or standard normal (embeddings).</summary>
public enum ParameterInit { Uniform, Ones, Zeros, Normal }

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

    /// <summary>The layout of a model, from its architecture (presets and declared models alike).</summary>
    public static ParameterLayout For(ModelSpec spec) => Architectures.Architecture.Resolve(spec).Layout;
}

/// <summary>The model kinds every site can train.</summary>
public static class ModelKinds
{
    public const string Logistic = "logistic";
    public const string Mlp = "mlp";
    /// <summary>A network declared layer by layer (<see cref="ModelSpec.Layers"/>).</summary>
    public const string Declared = "declared";
    /// <summary>Image presets (<see cref="Architectures.ImagePresets"/>): they read the input shape of an image schema.</summary>
    public const string SmallCnn = "small-cnn";
    public const string ResNet18 = "resnet18";
    public static readonly IReadOnlyList<string> All = [Logistic, Mlp, Declared, SmallCnn, ResNet18];
}
