using FedHealth.Contracts;
using static FedHealth.Contracts.LayerKinds;

namespace FedHealth.Learning.Models.Architectures;

/// <summary>
/// Resolves a model spec into its layers, shapes and parameter layout. The presets are layers like any declared model:
/// "logistic" is one linear layer of one unit named "linear"; "mlp" is "hidden" (linear), relu, "output" (linear, one
/// unit). Shapes are per row: the input is the schema's feature vector [features]; a network must end in [1] (the
/// logit of a binary outcome). Anything that does not fit is refused here, before any site trains, naming the layer.
/// </summary>
public static class Architecture
{
    /// <param name="featureNames">The job's features, in order: needed to find the column an embedding reads (null: not looked up).</param>
    public static ResolvedArchitecture Resolve(ModelSpec spec, IReadOnlyList<string>? featureNames = null)
    {
        if (spec.Features < 1) throw new ArchitectureException($"model needs at least one feature, got {spec.Features}");
        if (!ModelTasks.All.Contains(spec.Task)) throw new ArchitectureException($"task '{spec.Task}' is not one of {string.Join(", ", ModelTasks.All)}");
        if (spec.Task == ModelTasks.Multiclass && spec.Classes is not (>= 3 and <= MaxClasses))
            throw new ArchitectureException(
                $"a multiclass model needs classes, 3 to {MaxClasses} (the schema's label classes), got {spec.Classes?.ToString() ?? "none"}");
        if (spec.Task != ModelTasks.Multiclass && spec.Classes is not null)
            throw new ArchitectureException($"classes is for a multiclass model; a {spec.Task} model has one output");
        var outputs = ModelTasks.Outputs(spec.Task, spec.Classes);
        var layers = spec.Kind switch
        {
            ModelKinds.Logistic => [new LayerSpec { Kind = Linear, Name = "linear", Units = outputs }],
            ModelKinds.Mlp when spec.HiddenUnits >= 1 =>
                [new LayerSpec { Kind = Linear, Name = "hidden", Units = spec.HiddenUnits }, new LayerSpec { Kind = Relu },
                    new LayerSpec { Kind = Linear, Name = "output", Units = outputs }],
            ModelKinds.Mlp => throw new ArchitectureException($"an mlp needs at least one hidden unit, got {spec.HiddenUnits}"),
            ModelKinds.Declared when spec.Layers is { Count: > 0 } declared => declared,
            ModelKinds.Declared => throw new ArchitectureException("a declared model lists its layers: layers is missing or empty"),
            ModelKinds.SmallCnn or ModelKinds.ResNet18 => ImagePresets.Layers(spec.Kind, InputShape(spec), outputs),
            _ => throw new ArchitectureException($"unknown model kind '{spec.Kind}' (known: {string.Join(", ", ModelKinds.All)})"),
        };
        if (spec.Kind != ModelKinds.Declared && spec.Layers is not null)
            throw new ArchitectureException($"model kind '{spec.Kind}' is a preset: layers belong only to a declared model");
        // A preset's size is judged by its own fields first, so a lead who asked for too many hidden units is told so in those terms.
        var presetCount = spec.Kind switch
        {
            ModelKinds.Logistic => (spec.Features + 1L) * outputs,
            ModelKinds.Mlp => (long)spec.HiddenUnits * spec.Features + spec.HiddenUnits + (spec.HiddenUnits + 1L) * outputs,
            _ => 0,
        };
        if (presetCount > ParameterLayout.MaxParameters) throw new ArchitectureException(
            $"{presetCount:N0} parameters (features {spec.Features}, hiddenUnits {spec.HiddenUnits}) is more than the {ParameterLayout.MaxParameters:N0}" +
                " a model may have");
        var input = InputShape(spec);
        var walker = new Walker(featureNames, spec.Features);
        var resolved = walker.Walk(layers, input, "", "", topLevel: true);
        var output = resolved.Count == 0 ? input : resolved[^1].Output;
        if (!output.SequenceEqual([outputs]))
            throw new ArchitectureException(
                $"the network ends in shape {Show(output)}{(resolved.Count == 0 ? "" : $" at layer {resolved.Count - 1} ({resolved[^1].Kind})")}; " +
                $"{spec.Task switch
                {
                    ModelTasks.Survival => "a survival model's log relative risk",
                    ModelTasks.Multiclass => $"a multiclass label of {outputs} classes (one logit per class)",
                    ModelTasks.Regression => "a regression model's predicted value",
                    _ => "a binary outcome",
                }} needs [{outputs}] (end with a linear layer of {outputs} unit{(outputs == 1 ? "" : "s")})");
        // Counted in 64-bit arithmetic, so no shape's count can wrap before it is judged (a preset's was judged above).
        var count = walker.Parameters.Sum(p => p.Shape.Aggregate(1L, (a, b) => a * b));
        if (count > ParameterLayout.MaxParameters)
            throw new ArchitectureException($"{count:N0} parameters is more than the {ParameterLayout.MaxParameters:N0} a model may have");
        return new ResolvedArchitecture(input, resolved, output, new ParameterLayout(walker.Parameters), ArchitectureDigest.Of(input, resolved))
        {
            Task = spec.Task,
        };
    }

    /// <summary>One row's input: the declared shape of an image (its values must number <see cref="ModelSpec.Features"/>), else a vector.</summary>
    private static int[] InputShape(ModelSpec spec)
    {
        if (spec.Input is not { } declared) return [spec.Features];
        if (declared.Count is < 1 or > 3 || declared.Any(n => n is < 1 or > MaxSide))
            throw new ArchitectureException($"input {Show([.. declared])} must be 1 to 3 sides, each 1 to {MaxSide:N0}");
        var values = declared.Aggregate(1L, (a, b) => a * b);
        if (values != spec.Features)
            throw new ArchitectureException($"input {Show([.. declared])} holds {values:N0} values, but features says {spec.Features:N0}");
        return [.. declared];
    }

    /// <summary>The most classes a multiclass label may have: each is a softmax output and a row and column of the confusion matrix.</summary>
    public const int MaxClasses = 1000;

    /// <summary>The module a residual block's shortcut layers live under ("block.shortcut.conv.weight").</summary>
    public const string ShortcutName = "shortcut";

    internal static string Show(int[] shape) => $"[{string.Join(", ", shape)}]";

    /// <summary>
    /// The largest size any one field or side may have: far above any real layer, and low enough that no shape arithmetic
    /// (sides with padding, a kernel's fan-in, a flattened size) can overflow before the parameter limit judges the model.
    /// </summary>
    private const int MaxSide = 1 << 24;

    private sealed class Walker(IReadOnlyList<string>? featureNames, int features)
    {
        public List<ParameterShape> Parameters { get; } = [];
        private readonly HashSet<string> names = [];
        private readonly HashSet<string> embedded = [];

        /// <param name="where">How errors name the enclosing block ("layer 2 (residual) › ").</param>
        /// <param name="prefix">The enclosing block's parameter path ("block."): TorchSharp names nested parameters so.</param>
        public List<ResolvedLayer> Walk(IReadOnlyList<LayerSpec> layers, int[] input, string where, string prefix, bool topLevel)
        {
            var resolved = new List<ResolvedLayer>();
            var shape = input;
            for (var i = 0; i < layers.Count; i++)
            {
                var spec = layers[i] ?? throw new ArchitectureException($"{where}layer {i}: is null");
                var at = $"{where}layer {i} ({spec.Kind})";
                var layer = One(spec, i, shape, at, where, prefix, topLevel && resolved.All(l => l.Kind == Embedding));
                resolved.Add(layer);
                shape = layer.Output;
            }
            return resolved;
        }

        private ResolvedLayer One(LayerSpec spec, int index, int[] input, string at, string where, string prefix, bool atStart)
        {
            if (spec.Kind is null || !Fields.TryGetValue(spec.Kind, out var takes))
                throw new ArchitectureException($"{where}layer {index}: unknown kind '{spec.Kind}' (known: {string.Join(", ", All)})");
            foreach (var (field, set) in SetFields(spec))
                if (set && !takes.Contains(field)) throw new ArchitectureException($"{at}: takes no '{field}' (it takes: {Describe(takes)})");
            var name = NameOf(spec, index, at, where);
            var path = prefix + name;
            ResolvedLayer Same() => new(spec.Kind, name, input, input);
            switch (spec.Kind)
            {
                case Linear:
                    {
                        var units = Positive(spec.Units, "units", at);
                        if (input.Length != 1)
                            throw new ArchitectureException($"{at}: takes a vector, but its input is {Show(input)} (add a flatten layer before it)");
                        var bias = spec.Bias ?? true;
                        Add(path, [units, input[0]], input[0], bias, units);
                        return new ResolvedLayer(spec.Kind, name, input, [units]) { Units = units, Bias = bias };
                    }
                case Conv1d or Conv2d:
                    {
                        var dims = spec.Kind == Conv1d ? 1 : 2;
                        var (channels, spatial, addsChannel) = Spatial(input, dims, at, allowVector: dims == 1);
                        var units = Positive(spec.Units, "units", at);
                        var kernel = Positive(spec.Kernel, "kernel", at);
                        var stride = spec.Stride is null ? 1 : Positive(spec.Stride, "stride", at);
                        var padding = NonNegative(spec.Padding, "padding", at);
                        var outSpatial = spatial.Select(n => Slide(n, kernel, stride, padding, at, input)).ToArray();
                        var fanIn = (long)channels * (long)Math.Pow(kernel, dims);
                        if (fanIn > MaxSide) throw new ArchitectureException(
                            $"{at}: a kernel {kernel} wide over {channels} channels reads {fanIn:N0} values, more than {MaxSide:N0}");
                        var bias = spec.Bias ?? true;
                        Add(path, [units, channels, .. Enumerable.Repeat(kernel, dims)], (int)fanIn, bias, units);
                        return new ResolvedLayer(spec.Kind, name, input, [units, .. outSpatial])
                        { Units = units, Kernel = kernel, Stride = stride, Padding = padding, Bias = bias, AddsChannel = addsChannel };
                    }
                case MaxPool1d or MaxPool2d or AvgPool1d or AvgPool2d:
                    {
                        var dims = spec.Kind.EndsWith("1d", StringComparison.Ordinal) ? 1 : 2;
                        var (channels, spatial, addsChannel) = Spatial(input, dims, at, allowVector: dims == 1);
                        var kernel = Positive(spec.Kernel, "kernel", at);
                        var stride = spec.Stride is null ? kernel : Positive(spec.Stride, "stride", at);
                        var padding = NonNegative(spec.Padding, "padding", at);
                        if (padding > kernel / 2) throw new ArchitectureException($"{at}: padding {padding} is more than half the kernel {kernel}");
                        var outSpatial = spatial.Select(n => Slide(n, kernel, stride, padding, at, input)).ToArray();
                        return new ResolvedLayer(spec.Kind, name, input, [channels, .. outSpatial])
                        { Kernel = kernel, Stride = stride, Padding = padding, AddsChannel = addsChannel };
                    }
                case AdaptiveAvgPool1d or AdaptiveAvgPool2d:
                    {
                        var dims = spec.Kind == AdaptiveAvgPool1d ? 1 : 2;
                        var (channels, spatial, addsChannel) = Spatial(input, dims, at, allowVector: dims == 1);
                        var size = Positive(spec.Output, "output", at);
                        if (spatial.Any(n => n < size))
                            throw new ArchitectureException(
                                $"{at}: cannot pool its input {Show(input)} up to output {size} (each side must be at least {size})");
                        return new ResolvedLayer(spec.Kind, name, input, [channels, .. Enumerable.Repeat(size, dims)])
                        {
                            OutputSize = size,
                            AddsChannel = addsChannel
                        };
                    }
                case BatchNorm1d or BatchNorm2d:
                    {
                        var ranks = spec.Kind == BatchNorm1d ? new[] { 1, 2 } : [3];
                        if (!ranks.Contains(input.Length))
                            throw new ArchitectureException(
                                $"{at}: takes {(spec.Kind == BatchNorm1d ? "[features] or [channels, length]" : "[channels, height, width]")}, " +
                                $"but its input is {Show(input)}");
                        var channels = input[0];
                        Parameters.Add(new ParameterShape($"{path}.weight", [channels]) { Init = ParameterInit.Ones });
                        Parameters.Add(new ParameterShape($"{path}.bias", [channels]) { Init = ParameterInit.Zeros });
                        Parameters.Add(new ParameterShape($"{path}.running_mean", [channels]) { Init = ParameterInit.Zeros, Buffer = true });
                        Parameters.Add(new ParameterShape($"{path}.running_var", [channels]) { Init = ParameterInit.Ones, Buffer = true });
                        return Same();
                    }
                case LayerNorm:
                    {
                        var last = input[^1];
                        Parameters.Add(new ParameterShape($"{path}.weight", [last]) { Init = ParameterInit.Ones });
                        Parameters.Add(new ParameterShape($"{path}.bias", [last]) { Init = ParameterInit.Zeros });
                        return Same();
                    }
                case Dropout:
                    {
                        var p = spec.P ?? 0.5;
                        if (!(p is >= 0 and < 1)) throw new ArchitectureException($"{at}: p {p} must lie in [0, 1)");
                        return Same() with { P = p };
                    }
                case Relu or Gelu or Silu or Tanh or Sigmoid:
                    return Same();
                case Flatten:
                    {
                        var size = input.Aggregate(1L, (a, b) => a * b);
                        if (size > MaxSide) throw new ArchitectureException($"{at}: flattening {Show(input)} gives {size:N0} values, more than {MaxSide:N0}");
                        return new ResolvedLayer(spec.Kind, name, input, [(int)size]);
                    }
                case Embedding:
                    {
                        if (!atStart)
                            throw new ArchitectureException($"{at}: reads a raw feature, so it must come first (before every layer but other embeddings)");
                        var feature = spec.Feature is { Length: > 0 } f ? f
                            : throw new ArchitectureException($"{at}: names the categorical feature it reads (feature)");
                        var categories = Positive(spec.Categories, "categories", at);
                        if (categories < 2) throw new ArchitectureException($"{at}: categories {categories} must be at least 2");
                        var dimensions = Positive(spec.Dimensions, "dimensions", at);
                        var column = featureNames is null ? -1 : featureNames.ToList().IndexOf(feature);
                        if (featureNames is not null && column < 0)
                            throw new ArchitectureException($"{at}: feature '{feature}' is not one of the job's features ({string.Join(", ", featureNames)})");
                        if (!embedded.Add(feature)) throw new ArchitectureException($"{at}: feature '{feature}' is embedded twice");
                        Parameters.Add(new ParameterShape($"{path}.weight", [categories, dimensions]) { Init = ParameterInit.Normal });
                        // The feature's column is replaced by its embedding, appended after the remaining features.
                        var width = input[0] - 1 + dimensions;
                        if (input[0] - 1 < 0 || embedded.Count > features) throw new ArchitectureException($"{at}: no feature left to embed");
                        return new ResolvedLayer(spec.Kind, name, input, [width])
                        { Feature = feature, FeatureIndex = column, Categories = categories, Dimensions = dimensions };
                    }
                case Residual:
                    {
                        if (spec.Layers is not { Count: > 0 } inner)
                            throw new ArchitectureException($"{at}: lists the layers whose output is added to its input (layers)");
                        if (spec.Shortcut is { Count: 0 }) throw new ArchitectureException($"{at}: shortcut is empty (leave it out to add the input itself)");
                        if (spec.Shortcut is not null && inner.Any(l => l?.Name == ShortcutName))
                            throw new ArchitectureException($"{at}: a layer of a block with a shortcut may not be named '{ShortcutName}'");
                        var innerResolved = Walk(inner, input, $"{at} › ", path + ".", topLevel: false);
                        var output = innerResolved[^1].Output;
                        var shortcut = spec.Shortcut is { } shortcutSpec
                            ? Walk(shortcutSpec, input, $"{at} › shortcut › ", $"{path}.{ShortcutName}.", topLevel: false) : [];
                        var added = shortcut.Count == 0 ? input : shortcut[^1].Output;
                        if (!output.SequenceEqual(added))
                            throw new ArchitectureException(shortcut.Count == 0
                                ? $"{at}: its layers turn {Show(input)} into {Show(output)}; a residual block must keep its input's shape " +
                                    "(or pass the input through a shortcut of the same output shape)"
                                : $"{at}: its layers give {Show(output)} and its shortcut {Show(added)}; both must give the same shape");
                        return new ResolvedLayer(spec.Kind, name, input, output) { Layers = innerResolved, Shortcut = shortcut };
                    }
                default:
                    throw new ArchitectureException($"{at}: not supported");
            }
        }

        private void Add(string path, int[] weight, int fanIn, bool bias, int units)
        {
            Parameters.Add(new ParameterShape($"{path}.weight", weight) { FanIn = fanIn });
            if (bias) Parameters.Add(new ParameterShape($"{path}.bias", [units]) { FanIn = fanIn });
        }

        /// <summary>The channels and spatial sides of a convolution's or pooling's input; a 1-d one may read a plain vector as one channel.</summary>
        private static (int Channels, int[] Spatial, bool AddsChannel) Spatial(int[] input, int dims, string at, bool allowVector)
        {
            if (input.Length == dims + 1) return (input[0], input[1..], false);
            if (allowVector && input.Length == 1) return (1, input, true);
            var expected = dims == 1 ? "[channels, length] (or a plain vector, read as one channel)" : "[channels, height, width]";
            throw new ArchitectureException($"{at}: takes {expected}, but its input is {Show(input)}");
        }

        private static int Slide(int size, int kernel, int stride, int padding, string at, int[] input)
        {
            var output = (int)(((long)size + 2L * padding - kernel) / stride + 1);
            if ((long)size + 2L * padding < kernel || output < 1)
                throw new ArchitectureException($"{at}: kernel {kernel} does not fit its input {Show(input)} (side {size}, padding {padding})");
            return output;
        }

        private string NameOf(LayerSpec spec, int index, string at, string where)
        {
            var name = spec.Name ?? $"layer{index}";
            if (name.Length is 0 or > 40 || !char.IsAsciiLetterLower(name[0]) || !name.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '_'))
                throw new ArchitectureException($"{at}: name '{spec.Name}' must be 1 to 40 lower-case letters, digits or '_', starting with a letter");
            // Names are unique within one sequence (a residual block's layers are named under the block).
            if (!names.Add(where + "/" + name)) throw new ArchitectureException($"{at}: name '{name}' is used twice");
            return name;
        }

        private static int Positive(int? value, string field, string at) => value switch
        {
            null => throw new ArchitectureException($"{at}: needs '{field}'"),
            < 1 => throw new ArchitectureException($"{at}: {field} {value} must be at least 1"),
            > MaxSide => throw new ArchitectureException($"{at}: {field} {value:N0} is more than {MaxSide:N0}"),
            _ => value.Value,
        };

        private static int NonNegative(int? value, string field, string at) => value switch
        {
            < 0 => throw new ArchitectureException($"{at}: {field} {value} must not be negative"),
            > MaxSide => throw new ArchitectureException($"{at}: {field} {value:N0} is more than {MaxSide:N0}"),
            _ => value ?? 0,
        };

        private static IEnumerable<(string Field, bool Set)> SetFields(LayerSpec s) =>
        [
            ("units", s.Units is not null), ("kernel", s.Kernel is not null), ("stride", s.Stride is not null), ("padding", s.Padding is not null),
            ("output", s.Output is not null), ("p", s.P is not null), ("bias", s.Bias is not null), ("feature", s.Feature is not null),
            ("categories", s.Categories is not null), ("dimensions", s.Dimensions is not null), ("layers", s.Layers is not null),
            ("shortcut", s.Shortcut is not null),
        ];

        private static string Describe(string[] fields) => fields.Length == 0 ? "nothing but a name" : string.Join(", ", fields);
    }
}
