namespace FedHealth.Learning.Strategies;

/// <summary>
/// Coordinate-wise robust aggregates of the sites' models (Yin et al., ICML 2018): each parameter is taken
/// separately, so one corrupted site moves the result at most to the range of the honest ones. Unweighted on
/// purpose: a site claiming many rows must not buy more influence over a robust rule.
/// </summary>
public static class RobustAggregation
{
    public static float[] Median(IReadOnlyList<float[]> updates) => Coordinatewise(updates, column =>
    {
        var mid = column.Length / 2;
        return column.Length % 2 == 1 ? column[mid] : (column[mid - 1] + column[mid]) / 2.0;
    });

    /// <summary>The mean of each coordinate after dropping ⌊fraction·n⌋ values at each end.</summary>
    public static float[] TrimmedMean(IReadOnlyList<float[]> updates, double fraction)
    {
        if (!(fraction is >= 0 and < 0.5)) throw new ArgumentOutOfRangeException(nameof(fraction), fraction, "must lie in [0, 0.5)");
        var trim = (int)Math.Floor(fraction * updates.Count);
        return Coordinatewise(updates, column =>
        {
            double sum = 0;
            for (var i = trim; i < column.Length - trim; i++) sum += column[i];
            return sum / (column.Length - 2 * trim);
        });
    }

    private static float[] Coordinatewise(IReadOnlyList<float[]> updates, Func<float[], double> ofSorted)
    {
        if (updates.Count == 0) throw new InvalidOperationException("no update to aggregate");
        var length = updates[0].Length;
        if (updates.Any(u => u.Length != length)) throw new ArgumentException("updates differ in length");
        var result = new float[length];
        var column = new float[updates.Count];
        for (var i = 0; i < length; i++)
        {
            for (var s = 0; s < updates.Count; s++) column[s] = updates[s][i];
            Array.Sort(column);
            result[i] = (float)ofSorted(column);
        }
        return result;
    }
}
