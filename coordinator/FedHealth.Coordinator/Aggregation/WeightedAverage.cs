using FedHealth.Contracts;
using FedHealth.Learning.Codec;
using FedHealth.Learning.Models;

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

    /// <summary>Folds checked weights straight from their tensors' bytes: a large model's update is never copied into a flat array.</summary>
    public void Add(ParameterLayout layout, ModelWeights weights, double weight)
    {
        CheckWeight(weight, layout);
        Visit(layout, weights, (i, v) => sum[i] += v * weight);
        totalWeight += weight;
        Count++;
    }

    public float[] Result()
    {
        if (Count == 0) throw new InvalidOperationException("no update to average");
        var result = new float[sum.Length];
        for (var i = 0; i < sum.Length; i++) result[i] = (float)(sum[i] / totalWeight);
        return result;
    }

    /// <summary>
    /// The average with one more update that is not folded in (the update closing a round, before its event is
    /// applied): the same arithmetic as adding it first, without copying the sums.
    /// </summary>
    public float[] ResultWith(ParameterLayout layout, ModelWeights pending, double weight)
    {
        CheckWeight(weight, layout);
        var total = totalWeight + weight;
        var result = new float[sum.Length];
        Visit(layout, pending, (i, v) => result[i] = (float)((sum[i] + v * weight) / total));
        return result;
    }

    private void CheckWeight(double weight, ParameterLayout layout)
    {
        if (layout.TotalCount != sum.Length) throw new ArgumentException($"update has {layout.TotalCount} values, the model {sum.Length}");
        if (!(weight > 0) || !double.IsFinite(weight)) throw new ArgumentOutOfRangeException(nameof(weight), weight, "weight must be positive and finite");
    }

    private static void Visit(ParameterLayout layout, ModelWeights weights, Action<int, double> each)
    {
        var offset = 0;
        for (var t = 0; t < layout.Parameters.Count; t++)
        {
            var tensor = weights.Tensors[t];
            for (var i = 0; i < layout.Parameters[t].Count; i++) each(offset + i, TensorCodec.ValueAt(tensor, i));
            offset += layout.Parameters[t].Count;
        }
    }
}
