namespace FedHealth.Learning.Data;

/// <summary>
/// Rows of float features (row-major) with their labels: what a site trains and evaluates on. Never leaves the site.
/// <see cref="Labels"/> are 0/1 for a binary label; for a survival label the event (1) or censoring (0), with
/// <see cref="Times"/> the time of either; for a multiclass label the class index; for a regression label the
/// standardised value (<see cref="LabelTask"/> says which).
/// </summary>
public sealed class TabularData
{
    private readonly float[]? features;

    public IReadOnlyList<string> FeatureNames { get; }

    /// <summary>The rows' features in memory, row-major. Rows of streamed features (images) have none: read them with <see cref="ReadFeatures"/>.</summary>
    public float[] Features => features ?? throw new InvalidOperationException(
        "these rows' features are streamed from disk (images): read them a batch at a time (ReadFeatures), never all at once");

    public float[] Labels { get; }
    public int Rows => Labels.Length;
    /// <summary>Values per row in <see cref="Features"/>: one per feature name (a vector's width).</summary>
    public int Width => FeatureNames.Count;

    /// <summary>Where streamed rows come from, and which of the source's rows these are (in order); null for rows in memory.</summary>
    public IStreamedFeatures? Streamed { get; }
    private readonly int[]? sourceRows;

    /// <summary>One row's input shape: a streamed source's (an image's [channels, height, width]), else the one given, else [features].</summary>
    public int[] InputShape => Streamed?.Shape ?? shape ?? [Width];
    private readonly int[]? shape;

    /// <summary>These rows in memory, each read as an input of <paramref name="inputShape"/> (its values must number <see cref="Width"/>).</summary>
    public TabularData WithInputShape(int[] inputShape)
    {
        if (Streamed is not null) throw new InvalidOperationException("streamed rows take their source's shape");
        if (inputShape.Aggregate(1L, (a, b) => a * b) != Width) throw new ArgumentException($"shape [{string.Join(", ", inputShape)}] is not {Width} values");
        return new TabularData(FeatureNames, Features, Labels, Groups, Times, LabelTask, streamed: false, inputShape);
    }

    /// <summary>
    /// The features of <paramref name="rows"/> (indices into these rows), row-major, each row of <see cref="InputShape"/>:
    /// copied from memory, or read from the streamed source (augmented by <paramref name="augment"/> when given).
    /// </summary>
    public float[] ReadFeatures(IReadOnlyList<int> rows, Random? augment = null)
    {
        if (Streamed is { } source) return source.Read(rows.Select(r => sourceRows![r]).ToList(), augment);
        var values = new float[rows.Count * Width];
        for (var i = 0; i < rows.Count; i++) Array.Copy(features!, rows[i] * Width, values, i * Width, Width);
        return values;
    }

    /// <summary>Rows whose features stay on disk (<paramref name="source"/>'s rows <paramref name="rows"/>, in order), with their labels.</summary>
    public TabularData(IReadOnlyList<string> featureNames, IStreamedFeatures source, int[] rows, float[] labels, LabelTask labelTask)
        : this(featureNames, [], labels, null, null, labelTask, streamed: true)
    {
        if (rows.Length != labels.Length) throw new ArgumentException($"{rows.Length} source rows for {labels.Length} labels");
        if (rows.Any(r => r < 0 || r >= source.Count)) throw new ArgumentException($"a row is outside the source's {source.Count}");
        (Streamed, sourceRows, features) = (source, rows, null);
    }
    /// <summary>Each row's event or censoring time (survival labels); null for every other label.</summary>
    public float[]? Times { get; }

    /// <summary>For each declared subgroup (sensitive attribute), each row's group: scored separately for fairness, never a feature.</summary>
    public IReadOnlyDictionary<string, string[]> Groups { get; }

    /// <summary>What the labels mean: binary unless the schema's label says otherwise (survival whenever there are times).</summary>
    public LabelTask LabelTask { get; }

    public TabularData(IReadOnlyList<string> featureNames, float[] features, float[] labels, IReadOnlyDictionary<string, string[]>? groups = null,
        float[]? times = null, LabelTask? labelTask = null) : this(featureNames, features, labels, groups, times, labelTask, streamed: false)
    {
    }

    private TabularData(IReadOnlyList<string> featureNames, float[] features, float[] labels, IReadOnlyDictionary<string, string[]>? groups,
        float[]? times, LabelTask? labelTask, bool streamed, int[]? inputShape = null)
    {
        shape = inputShape;
        if (times is not null && times.Length != labels.Length) throw new ArgumentException($"{times.Length} times for {labels.Length} rows");
        if (!streamed && features.Length != labels.Length * featureNames.Count)
            throw new ArgumentException(
                $"{labels.Length} rows of {featureNames.Count} features need {labels.Length * featureNames.Count} values, got {features.Length}");
        if (groups?.FirstOrDefault(g => g.Value.Length != labels.Length) is { Key: not null } wrong)
            throw new ArgumentException($"subgroup '{wrong.Key}' has {wrong.Value.Length} rows, the data {labels.Length}");
        FeatureNames = featureNames;
        this.features = features;
        Labels = labels;
        Groups = groups ?? new Dictionary<string, string[]>();
        Times = times;
        LabelTask = times is not null ? LabelTask.Survival : labelTask ?? LabelTask.Binary;
        var classes = LabelTask.Classes;
        var isMulticlass = LabelTask.Task == FedHealth.Contracts.ModelTasks.Multiclass;
        if (isMulticlass && Array.FindIndex(labels, l => !(l >= 0 && l < classes && l == MathF.Floor(l))) is >= 0 and var at)
            throw new ArgumentException($"a multiclass label of {classes} classes holds class indices 0 to {classes - 1}, got {labels[at]} in row {at}");
    }

    /// <summary>
    /// The label's stratum for splitting and folds: a multiclass row's class, a binary or survival row's outcome; one
    /// stratum for regression.
    /// </summary>
    public int Stratum(int row) => LabelTask.Task switch
    {
        FedHealth.Contracts.ModelTasks.Multiclass => (int)Labels[row],
        FedHealth.Contracts.ModelTasks.Regression => 0,
        _ => Labels[row] >= 0.5f ? 1 : 0,
    };

    public int Positives => Labels.Count(l => l >= 0.5f);

    public TabularData Select(IReadOnlyList<int> rows)
    {
        if (Streamed is { } source)
            return new TabularData(FeatureNames, source, rows.Select(r => sourceRows![r]).ToArray(), rows.Select(r => Labels[r]).ToArray(), LabelTask);
        var features = new float[rows.Count * Width];
        var labels = new float[rows.Count];
        for (var i = 0; i < rows.Count; i++)
        {
            Array.Copy(Features, rows[i] * Width, features, i * Width, Width);
            labels[i] = Labels[rows[i]];
        }
        return new TabularData(FeatureNames, features, labels, Groups.ToDictionary(g => g.Key, g => rows.Select(r => g.Value[r]).ToArray()),
            Times is null ? null : rows.Select(r => Times[r]).ToArray(), LabelTask, streamed: false, shape);
    }

    public static TabularData Concat(IReadOnlyList<TabularData> parts)
    {
        if (parts.Count == 0) throw new ArgumentException("nothing to concatenate");
        var names = parts[0].FeatureNames;
        if (parts.Any(p => p.Streamed is not null))
        {
            if (parts.Any(p => p.Streamed is null || !p.FeatureNames.SequenceEqual(names) || p.LabelTask != parts[0].LabelTask))
                throw new ArgumentException("streamed parts concatenate only with streamed parts of the same features and label");
            var sources = parts.Select(p => (IStreamedFeatures)new SelectedRows(p.Streamed!, p.sourceRows!)).ToList();
            var pooled = new ConcatenatedFeatures(sources);
            return new TabularData(names, pooled, Enumerable.Range(0, pooled.Count).ToArray(), parts.SelectMany(p => p.Labels).ToArray(),
                parts[0].LabelTask);
        }
        if (parts.Any(p => !p.FeatureNames.SequenceEqual(names))) throw new ArgumentException("parts have different features");
        var shared = parts[0].Groups.Keys.Where(k => parts.All(p => p.Groups.ContainsKey(k)));
        if (parts.Any(p => (p.Times is null) != (parts[0].Times is null))) throw new ArgumentException("parts mix survival and other labels");
        if (parts.Any(p => p.LabelTask != parts[0].LabelTask)) throw new ArgumentException("parts have different label tasks");
        return new TabularData(names, parts.SelectMany(p => p.Features).ToArray(), parts.SelectMany(p => p.Labels).ToArray(),
            shared.ToDictionary(k => k, k => parts.SelectMany(p => p.Groups[k]).ToArray()),
            parts[0].Times is null ? null : parts.SelectMany(p => p.Times!).ToArray(), parts[0].LabelTask);
    }
}

/// <summary>Some rows of a streamed source, renumbered from 0.</summary>
internal sealed class SelectedRows(IStreamedFeatures source, int[] rows) : IStreamedFeatures
{
    public int[] Shape => source.Shape;
    public int Count => rows.Length;
    public float[] Read(IReadOnlyList<int> indices, Random? augment) => source.Read(indices.Select(i => rows[i]).ToList(), augment);
}
