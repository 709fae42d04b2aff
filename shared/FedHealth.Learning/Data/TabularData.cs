namespace FedHealth.Learning.Data;

/// <summary>
/// Rows of float features (row-major) with their labels: what a site trains and evaluates on. Never leaves the site.
/// <see cref="Labels"/> are 0/1 for a binary label; for a survival label the event (1) or censoring (0), with
/// <see cref="Times"/> the time of either; for a multiclass label the class index; for a regression label the
/// standardised value (<see cref="LabelTask"/> says which).
/// </summary>
public sealed class TabularData
{
    public IReadOnlyList<string> FeatureNames { get; }
    public float[] Features { get; }
    public float[] Labels { get; }
    public int Rows => Labels.Length;
    public int Width => FeatureNames.Count;
    /// <summary>Each row's event or censoring time (survival labels); null for every other label.</summary>
    public float[]? Times { get; }

    /// <summary>For each declared subgroup (sensitive attribute), each row's group: scored separately for fairness, never a feature.</summary>
    public IReadOnlyDictionary<string, string[]> Groups { get; }

    /// <summary>What the labels mean: binary unless the schema's label says otherwise (survival whenever there are times).</summary>
    public LabelTask LabelTask { get; }

    public TabularData(IReadOnlyList<string> featureNames, float[] features, float[] labels, IReadOnlyDictionary<string, string[]>? groups = null,
        float[]? times = null, LabelTask? labelTask = null)
    {
        if (times is not null && times.Length != labels.Length) throw new ArgumentException($"{times.Length} times for {labels.Length} rows");
        if (features.Length != labels.Length * featureNames.Count)
            throw new ArgumentException(
                $"{labels.Length} rows of {featureNames.Count} features need {labels.Length * featureNames.Count} values, got {features.Length}");
        if (groups?.FirstOrDefault(g => g.Value.Length != labels.Length) is { Key: not null } wrong)
            throw new ArgumentException($"subgroup '{wrong.Key}' has {wrong.Value.Length} rows, the data {labels.Length}");
        FeatureNames = featureNames;
        Features = features;
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
        var features = new float[rows.Count * Width];
        var labels = new float[rows.Count];
        for (var i = 0; i < rows.Count; i++)
        {
            Array.Copy(Features, rows[i] * Width, features, i * Width, Width);
            labels[i] = Labels[rows[i]];
        }
        return new TabularData(FeatureNames, features, labels, Groups.ToDictionary(g => g.Key, g => rows.Select(r => g.Value[r]).ToArray()),
            Times is null ? null : rows.Select(r => Times[r]).ToArray(), LabelTask);
    }

    public static TabularData Concat(IReadOnlyList<TabularData> parts)
    {
        if (parts.Count == 0) throw new ArgumentException("nothing to concatenate");
        var names = parts[0].FeatureNames;
        if (parts.Any(p => !p.FeatureNames.SequenceEqual(names))) throw new ArgumentException("parts have different features");
        var shared = parts[0].Groups.Keys.Where(k => parts.All(p => p.Groups.ContainsKey(k)));
        if (parts.Any(p => (p.Times is null) != (parts[0].Times is null))) throw new ArgumentException("parts mix survival and other labels");
        if (parts.Any(p => p.LabelTask != parts[0].LabelTask)) throw new ArgumentException("parts have different label tasks");
        return new TabularData(names, parts.SelectMany(p => p.Features).ToArray(), parts.SelectMany(p => p.Labels).ToArray(),
            shared.ToDictionary(k => k, k => parts.SelectMany(p => p.Groups[k]).ToArray()),
            parts[0].Times is null ? null : parts.SelectMany(p => p.Times!).ToArray(), parts[0].LabelTask);
    }
}
