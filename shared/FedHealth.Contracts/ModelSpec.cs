namespace FedHealth.Contracts;

/// <summary>
/// Which model a job trains: a network declared as data, never code. <see cref="Kind"/> "declared" lists its
/// <see cref="Layers"/> from the vetted vocabulary (see <c>LayerKinds</c>); "logistic" and "mlp" (with
/// <see cref="HiddenUnits"/>) are named presets of the same layers. The input's shape comes from the data schema
/// (<see cref="Features"/> values per row); every other shape is inferred, and a network that does not fit is refused
/// before any site trains.
/// </summary>
public sealed record ModelSpec
{
    public required string Kind { get; init; }
    public required int Features { get; init; }
    public int HiddenUnits { get; init; } = 16;
    /// <summary>
    /// What the model predicts (<see cref="ModelTasks"/>): "binary" (the default), "survival" (a Cox model's log relative risk),
    /// "multiclass" (one logit per class) or "regression" (one value).
    /// </summary>
    public string Task { get; init; } = ModelTasks.Binary;
    /// <summary>Multiclass: how many classes the label has (3 or more), which is the width the network must end in; null for every other task.</summary>
    public int? Classes { get; init; }
    /// <summary>The layers of a "declared" model, in order; null for a preset.</summary>
    public IReadOnlyList<LayerSpec>? Layers { get; init; }
    /// <summary>
    /// The shape of one row's input when it is not a vector: an image's [channels, height, width], from the site's image
    /// schema (<see cref="Features"/> is then their product). Null: a vector of <see cref="Features"/> values.
    /// </summary>
    public IReadOnlyList<int>? Input { get; init; }
}

/// <summary>
/// One layer of a declared model. Only the fields its kind takes may be set (a field another kind takes is refused,
/// naming the layer): <see cref="Units"/> (linear: outputs; conv1d/conv2d: output channels), <see cref="Kernel"/>,
/// <see cref="Stride"/> and <see cref="Padding"/> (convolutions and pooling), <see cref="Output"/> (adaptive pooling),
/// <see cref="P"/> (dropout), <see cref="Bias"/> (linear, convolutions), <see cref="Feature"/>,
/// <see cref="Categories"/> and <see cref="Dimensions"/> (embedding of a categorical feature), <see cref="Layers"/>
/// (residual: the sub-sequence whose output is added to its input), <see cref="Shortcut"/> (residual: what the input passes
/// through before it is added, such as a strided 1×1 convolution where the block changes the shape; none: the input itself).
/// <see cref="Name"/> names the layer's parameters.
/// </summary>
public sealed record LayerSpec
{
    public required string Kind { get; init; }
    public string? Name { get; init; }
    public int? Units { get; init; }
    public int? Kernel { get; init; }
    public int? Stride { get; init; }
    public int? Padding { get; init; }
    public int? Output { get; init; }
    public double? P { get; init; }
    public bool? Bias { get; init; }
    public string? Feature { get; init; }
    public int? Categories { get; init; }
    public int? Dimensions { get; init; }
    public IReadOnlyList<LayerSpec>? Layers { get; init; }
    public IReadOnlyList<LayerSpec>? Shortcut { get; init; }
}

/// <summary>
/// What a model predicts, as the sites' schema labels it: "binary" (a binary or within-horizon label; one logit),
/// "survival" (time to event with censoring; one log relative risk, trained by the Cox partial likelihood), "multiclass"
/// (one of K ≥ 3 declared classes; K logits, softmax cross-entropy) or "regression" (a number; one value, squared error).
/// </summary>
public static class ModelTasks
{
    public const string Binary = "binary";
    public const string Survival = "survival";
    public const string Multiclass = "multiclass";
    public const string Regression = "regression";
    public static readonly IReadOnlyList<string> All = [Binary, Survival, Multiclass, Regression];

    /// <summary>How many values the network ends in for a task: one per class for multiclass, one otherwise.</summary>
    public static int Outputs(string task, int? classes) => task == Multiclass ? classes ?? 0 : 1;
}

/// <summary>
/// The models a hospital will train (its policy's <c>models</c> section, advertised in its heartbeats so a lead sees
/// who would accept a model before launching). A model whose digest is in <see cref="AllowedDigests"/> is accepted, as
/// a person approved that exact network; any other only within every limit given (<see cref="MaxParameters"/>,
/// <see cref="LayerKinds"/>, <see cref="Tasks"/>); with no limit given, no other is accepted.
/// </summary>
public sealed record ModelPolicy
{
    /// <summary>Digests ("sha256:" and 64 hex digits) of networks approved one by one.</summary>
    public IReadOnlyList<string> AllowedDigests { get; init; } = [];
    public long? MaxParameters { get; init; }
    public IReadOnlyList<string>? LayerKinds { get; init; }
    public IReadOnlyList<string>? Tasks { get; init; }

    [System.Text.Json.Serialization.JsonIgnore]
    public bool HasLimits => MaxParameters is not null || LayerKinds is not null || Tasks is not null;
}
