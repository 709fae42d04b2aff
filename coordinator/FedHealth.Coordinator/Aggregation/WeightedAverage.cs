namespace FedHealth.Coordinator.Aggregation;

/// <summary>
/// Weighted federated averaging (FedAvg) folded one update at a time, so memory stays one model whatever the
/// number of sites. Sums in double to keep the result independent of arrival order to float precision.
/// </summary>
public sealed class WeightedAverage(int length)
{
    private readonly double[] sum = new double[length];
    private double totalWeight;

    public int Count { get; private set; }

    public void Add(ReadOnlySpan<float> values, double weight)
    {
        if (values.Length != sum.Length) throw new ArgumentException($"update has {values.Length} values, the model {sum.Length}");
        if (!(weight > 0) || !double.IsFinite(weight)) throw new ArgumentOutOfRangeException(nameof(weight), weight, "weight must be positive and finite");
        for (var i = 0; i < sum.Length; i++) sum[i] += values[i] * weight;
        totalWeight += weight;
        Count++;
    }

    /// <summary>An independent copy (the same sums and count), to fold one more update into without changing this one.</summary>
    public WeightedAverage Copy()
    {
        var copy = new WeightedAverage(sum.Length) { totalWeight = totalWeight, Count = Count };
        sum.CopyTo(copy.sum, 0);
        return copy;
    }

    public float[] Result()
    {
        if (Count == 0) throw new InvalidOperationException("no update to average");
        var result = new float[sum.Length];
        for (var i = 0; i < sum.Length; i++) result[i] = (float)(sum[i] / totalWeight);
        return result;
    }
}
