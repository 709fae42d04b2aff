namespace FedHealth.Contracts;

/// <summary>
/// The vetted vocabulary of layers a declared model may use, and the fields each kind takes. A site builds only these
/// (TorchModels in FedHealth.Learning.Torch); nothing else runs in a hospital.
/// </summary>
public static class LayerKinds
{
    public const string Linear = "linear";
    public const string Conv1d = "conv1d";
    public const string Conv2d = "conv2d";
    public const string MaxPool1d = "maxpool1d";
    public const string MaxPool2d = "maxpool2d";
    public const string AvgPool1d = "avgpool1d";
    public const string AvgPool2d = "avgpool2d";
    public const string AdaptiveAvgPool1d = "adaptiveavgpool1d";
    public const string AdaptiveAvgPool2d = "adaptiveavgpool2d";
    public const string BatchNorm1d = "batchnorm1d";
    public const string BatchNorm2d = "batchnorm2d";
    public const string LayerNorm = "layernorm";
    public const string Dropout = "dropout";
    public const string Relu = "relu";
    public const string Gelu = "gelu";
    public const string Silu = "silu";
    public const string Tanh = "tanh";
    public const string Sigmoid = "sigmoid";
    public const string Flatten = "flatten";
    public const string Embedding = "embedding";
    public const string Residual = "residual";

    /// <summary>Each kind with the optional fields it takes besides "kind" and "name" (required ones are checked by the resolver).</summary>
    public static readonly IReadOnlyDictionary<string, string[]> Fields = new Dictionary<string, string[]>
    {
        [Linear] = ["units", "bias"],
        [Conv1d] = ["units", "kernel", "stride", "padding", "bias"],
        [Conv2d] = ["units", "kernel", "stride", "padding", "bias"],
        [MaxPool1d] = ["kernel", "stride", "padding"],
        [MaxPool2d] = ["kernel", "stride", "padding"],
        [AvgPool1d] = ["kernel", "stride", "padding"],
        [AvgPool2d] = ["kernel", "stride", "padding"],
        [AdaptiveAvgPool1d] = ["output"],
        [AdaptiveAvgPool2d] = ["output"],
        [BatchNorm1d] = [],
        [BatchNorm2d] = [],
        [LayerNorm] = [],
        [Dropout] = ["p"],
        [Relu] = [],
        [Gelu] = [],
        [Silu] = [],
        [Tanh] = [],
        [Sigmoid] = [],
        [Flatten] = [],
        [Embedding] = ["feature", "categories", "dimensions"],
        [Residual] = ["layers", "shortcut"],
    };

    public static IReadOnlyList<string> All => Fields.Keys.ToList();

    /// <summary>Layers that mix the rows of a batch: per-example gradients (DP-SGD) are not defined through them.</summary>
    public static bool MixesRows(string kind) => kind is BatchNorm1d or BatchNorm2d;
}
