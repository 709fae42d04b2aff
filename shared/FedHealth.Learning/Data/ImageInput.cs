namespace FedHealth.Learning.Data;

/// <summary>
/// How an image schema shows itself where a tabular schema lists its features: one feature name that says the image's
/// shape ("image:1x28x28"). Sites advertise it in their heartbeats and a job names it, so the same matching of schema
/// and features that pairs tabular jobs with sites pairs image jobs with sites whose images have that shape; the model
/// reads the shape as its input (<c>ModelSpec.Input</c>).
/// </summary>
public static class ImageInput
{
    public const string Prefix = "image:";

    public static string FeatureName(IReadOnlyList<int> shape) => Prefix + string.Join("x", shape);

    /// <summary>The shape a job's feature names declare, when they are one image feature; null for tabular features.</summary>
    public static int[]? ShapeOf(IReadOnlyList<string>? featureNames)
    {
        if (featureNames is not [var only] || !only.StartsWith(Prefix, StringComparison.Ordinal)) return null;
        var sides = only[Prefix.Length..].Split('x');
        return sides.All(s => int.TryParse(s, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n) && n > 0)
            ? sides.Select(s => int.Parse(s, System.Globalization.CultureInfo.InvariantCulture)).ToArray() : null;
    }
}
