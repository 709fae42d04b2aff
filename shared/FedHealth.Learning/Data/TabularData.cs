namespace FedHealth.Learning.Data;

/// <summary>Rows of float features (row-major) with 0/1 labels: what a site trains and evaluates on. Never leaves the site.</summary>
public sealed class TabularData
{
    public IReadOnlyList<string> FeatureNames { get; }
    public float[] Features { get; }
    public float[] Labels { get; }
    public int Rows => Labels.Length;
    public int Width => FeatureNames.Count;

    public TabularData(IReadOnlyList<string> featureNames, float[] features, float[] labels)
    {
        if (features.Length != labels.Length * featureNames.Count)
            throw new ArgumentException($"{labels.Length} rows of {featureNames.Count} features need {labels.Length * featureNames.Count} values, got {features.Length}");
        FeatureNames = featureNames;
        Features = features;
        Labels = labels;
    }

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
        return new TabularData(FeatureNames, features, labels);
    }

    public static TabularData Concat(IReadOnlyList<TabularData> parts)
    {
        if (parts.Count == 0) throw new ArgumentException("nothing to concatenate");
        var names = parts[0].FeatureNames;
        if (parts.Any(p => !p.FeatureNames.SequenceEqual(names))) throw new ArgumentException("parts have different features");
        return new TabularData(names, parts.SelectMany(p => p.Features).ToArray(), parts.SelectMany(p => p.Labels).ToArray());
    }
}
