using FedHealth.Contracts;
using FedHealth.Learning.Models.Architectures;
using TorchSharp;
using static TorchSharp.torch;
using static FedHealth.Contracts.LayerKinds;

namespace FedHealth.Learning.Torch;

/// <summary>
/// Builds the TorchSharp module of a model spec from its resolved layers (presets and declared models alike), and only
/// from the vetted vocabulary: a spec is data, and nothing but these layers is ever built in a hospital. Its parameters
/// carry the layout's names, so <see cref="ModelParameters"/> moves them by name.
/// </summary>
public static class TorchModels
{
    /// <param name="featureNames">The job's features in order (an embedding finds its column by name); null when the model has none.</param>
    public static nn.Module<Tensor, Tensor> Create(ModelSpec spec, IReadOnlyList<string>? featureNames = null) =>
        new DeclaredNetwork(Architecture.Resolve(spec, featureNames));
}

/// <summary>A declared network: its layers in order, then the single output squeezed to one logit per row.</summary>
public sealed class DeclaredNetwork : nn.Module<Tensor, Tensor>
{
    private readonly List<nn.Module<Tensor, Tensor>> layers = [];

    /// <summary>The layers in order, for a pass that records what each computed (per-sample gradients).</summary>
    internal IReadOnlyList<nn.Module<Tensor, Tensor>> Layers => layers;

    public DeclaredNetwork(ResolvedArchitecture architecture) : base(nameof(DeclaredNetwork))
    {
        var embeddings = architecture.Layers.TakeWhile(l => l.Kind == Embedding).ToList();
        if (embeddings.Count > 0)
        {
            if (embeddings.Any(e => e.FeatureIndex < 0))
                throw new ArgumentException("an embedding's feature column is unknown: build the model with the job's feature names");
            var input = new EmbeddedInput(architecture.Input[0], embeddings);
            foreach (var e in embeddings) register_module(e.Name, input.Tables[e.Name]);
            layers.Add(input);
        }
        foreach (var layer in architecture.Layers.Skip(embeddings.Count)) layers.Add(Register(this, layer));
    }

    internal static nn.Module<Tensor, Tensor> Register(nn.Module parent, ResolvedLayer layer)
    {
        var module = Build(layer);
        parent.register_module(layer.Name, module);
        return layer.AddsChannel ? new WithChannel(module) : module;
    }

    private static nn.Module<Tensor, Tensor> Build(ResolvedLayer l) => l.Kind switch
    {
        Linear => nn.Linear(l.Input[0], l.Units, hasBias: l.Bias),
        Conv1d => nn.Conv1d(l.AddsChannel ? 1 : l.Input[0], l.Units, l.Kernel, stride: l.Stride, padding: l.Padding, bias: l.Bias),
        Conv2d => nn.Conv2d(l.Input[0], l.Units, l.Kernel, stride: l.Stride, padding: l.Padding, bias: l.Bias),
        MaxPool1d => nn.MaxPool1d(l.Kernel, l.Stride, l.Padding),
        MaxPool2d => nn.MaxPool2d(l.Kernel, l.Stride, l.Padding),
        AvgPool1d => nn.AvgPool1d(l.Kernel, l.Stride, l.Padding),
        AvgPool2d => nn.AvgPool2d(l.Kernel, l.Stride, l.Padding),
        AdaptiveAvgPool1d => nn.AdaptiveAvgPool1d(l.OutputSize),
        AdaptiveAvgPool2d => nn.AdaptiveAvgPool2d(l.OutputSize),
        BatchNorm1d => nn.BatchNorm1d(l.Input[0]),
        BatchNorm2d => nn.BatchNorm2d(l.Input[0]),
        LayerNorm => nn.LayerNorm([l.Input[^1]]),
        Dropout => nn.Dropout(l.P),
        Relu => nn.ReLU(),
        Gelu => nn.GELU(),
        Silu => nn.SiLU(),
        Tanh => nn.Tanh(),
        Sigmoid => nn.Sigmoid(),
        Flatten => nn.Flatten(1),
        Residual => new ResidualBlock(l.Layers, l.Shortcut),
        _ => throw new ArgumentException($"layer kind '{l.Kind}' cannot be built here"),
    };

    public override Tensor forward(Tensor input)
    {
        using var output = Through(layers, input);
        return output.squeeze(-1);
    }

    /// <summary>The input through each layer in turn, every intermediate freed as soon as the next is computed.</summary>
    internal static Tensor Through(IReadOnlyList<nn.Module<Tensor, Tensor>> layers, Tensor input)
    {
        var x = input;
        foreach (var layer in layers)
        {
            var next = layer.forward(x);
            if (!ReferenceEquals(x, input)) x.Dispose();
            x = next;
        }
        return ReferenceEquals(x, input) ? x.alias() : x;
    }
}

/// <summary>A residual block: its layers' output added to its input, or to what its shortcut makes of the input.</summary>
public sealed class ResidualBlock : nn.Module<Tensor, Tensor>
{
    private readonly List<nn.Module<Tensor, Tensor>> layers = [];

    internal IReadOnlyList<nn.Module<Tensor, Tensor>> Layers => layers;
    /// <summary>The shortcut's layers (registered under "shortcut"); empty when the input itself is added.</summary>
    internal IReadOnlyList<nn.Module<Tensor, Tensor>> Shortcut { get; }

    public ResidualBlock(IReadOnlyList<ResolvedLayer> inner, IReadOnlyList<ResolvedLayer> shortcut) : base(nameof(ResidualBlock))
    {
        foreach (var layer in inner) layers.Add(DeclaredNetwork.Register(this, layer));
        var path = new ShortcutPath(shortcut);
        if (shortcut.Count > 0) register_module(Architecture.ShortcutName, path);
        Shortcut = path.Layers;
    }

    public override Tensor forward(Tensor input)
    {
        using var x = DeclaredNetwork.Through(layers, input);
        if (Shortcut.Count == 0) return input + x;
        using var skipped = DeclaredNetwork.Through(Shortcut, input);
        return skipped + x;
    }

    /// <summary>Holds the shortcut's layers so their parameters are named under the block's "shortcut".</summary>
    private sealed class ShortcutPath : nn.Module<Tensor, Tensor>
    {
        public List<nn.Module<Tensor, Tensor>> Layers { get; } = [];

        public ShortcutPath(IReadOnlyList<ResolvedLayer> layers) : base(nameof(ShortcutPath))
        {
            foreach (var layer in layers) Layers.Add(DeclaredNetwork.Register(this, layer));
        }

        public override Tensor forward(Tensor input) => DeclaredNetwork.Through(Layers, input);
    }
}

/// <summary>A 1-d convolution or pooling that reads a plain vector as one channel: [N, L] in, [N, 1, L] to the layer.</summary>
public sealed class WithChannel(nn.Module<Tensor, Tensor> inner) : nn.Module<Tensor, Tensor>(nameof(WithChannel))
{
    internal nn.Module<Tensor, Tensor> Inner => inner;

    public override Tensor forward(Tensor input)
    {
        using var channel = input.unsqueeze(1);
        return inner.forward(channel);
    }
}

/// <summary>
/// The embeddings of categorical features: each named column (holding category codes 0..n-1) is replaced by its learnt
/// vector, appended after the remaining features in the order the layers list them.
/// </summary>
public sealed class EmbeddedInput : nn.Module<Tensor, Tensor>
{
    private readonly long[] kept;
    private readonly List<(int Column, string Name)> columns;
    public Dictionary<string, TorchSharp.Modules.Embedding> Tables { get; } = [];

    public EmbeddedInput(int features, IReadOnlyList<ResolvedLayer> embeddings) : base(nameof(EmbeddedInput))
    {
        columns = embeddings.Select(e => (e.FeatureIndex, e.Name)).ToList();
        kept = Enumerable.Range(0, features).Where(i => columns.All(c => c.Column != i)).Select(i => (long)i).ToArray();
        foreach (var e in embeddings) Tables[e.Name] = nn.Embedding(e.Categories, e.Dimensions);
    }

    public override Tensor forward(Tensor input) => Forward(input, null);

    /// <param name="looked">Told each table with the codes it looked up and the vectors it gave (per-sample gradients read them).</param>
    internal Tensor Forward(Tensor input, Action<TorchSharp.Modules.Embedding, Tensor, Tensor>? looked)
    {
        using var scope = NewDisposeScope();
        var parts = new List<Tensor> { input.index_select(1, tensor(kept, device: input.device)) };
        foreach (var (column, name) in columns)
        {
            var codes = input.select(1, column).round().to(ScalarType.Int64);
            var vectors = Tables[name].forward(codes);
            // Kept past this scope only for a caller that reads them.
            if (looked is not null) looked(Tables[name], codes.MoveToOuterDisposeScope(), vectors.MoveToOuterDisposeScope());
            parts.Add(vectors);
        }
        return cat(parts, 1).MoveToOuterDisposeScope();
    }
}
