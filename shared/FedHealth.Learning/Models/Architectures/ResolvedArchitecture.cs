namespace FedHealth.Learning.Models.Architectures;

/// <summary>
/// A layer with every default filled in and its shapes inferred (per row, without the batch dimension).
/// <see cref="Name"/> names its parameters ("hidden" gives "hidden.weight"); <see cref="FeatureIndex"/> is the input
/// column an embedding reads; <see cref="AddsChannel"/> marks a conv1d or 1-d pooling that reads a plain vector as one channel.
/// </summary>
public sealed record ResolvedLayer(string Kind, string Name, int[] Input, int[] Output)
{
    public int Units { get; init; }
    public int Kernel { get; init; }
    public int Stride { get; init; }
    public int Padding { get; init; }
    public int OutputSize { get; init; }
    public double P { get; init; }
    public bool Bias { get; init; }
    public string? Feature { get; init; }
    public int FeatureIndex { get; init; } = -1;
    public int Categories { get; init; }
    public int Dimensions { get; init; }
    public bool AddsChannel { get; init; }
    public IReadOnlyList<ResolvedLayer> Layers { get; init; } = [];
    /// <summary>A residual block's shortcut: what its input passes through before it is added (none: the input itself).</summary>
    public IReadOnlyList<ResolvedLayer> Shortcut { get; init; } = [];
}

/// <summary>
/// A model's layers resolved against its input: the shapes, the parameter layout every site and the coordinator share,
/// and the digest (SHA-256 of the canonical JSON) a hospital's policy approves.
/// </summary>
public sealed record ResolvedArchitecture(int[] Input, IReadOnlyList<ResolvedLayer> Layers, int[] Output, ParameterLayout Layout, string Digest)
{
    /// <summary>What the model predicts (<see cref="FedHealth.Contracts.ModelTasks"/>), as its spec says.</summary>
    public string Task { get; init; } = FedHealth.Contracts.ModelTasks.Binary;

    /// <summary>Every layer kind used, nested ones included.</summary>
    public IReadOnlySet<string> Kinds => Flatten(Layers).Select(l => l.Kind).ToHashSet();

    public static IEnumerable<ResolvedLayer> Flatten(IEnumerable<ResolvedLayer> layers) =>
        layers.SelectMany(l => (IEnumerable<ResolvedLayer>)[l, .. Flatten(l.Layers), .. Flatten(l.Shortcut)]);
}
