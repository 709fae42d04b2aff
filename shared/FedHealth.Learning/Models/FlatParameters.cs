using FedHealth.Contracts;
using FedHealth.Learning.Codec;

namespace FedHealth.Learning.Models;

/// <summary>A model's parameters as one flat float vector in layout order: what federated averaging adds up.</summary>
public sealed class FlatParameters
{
    public ParameterLayout Layout { get; }
    public float[] Values { get; }

    public FlatParameters(ParameterLayout layout, float[] values)
    {
        if (values.Length != layout.TotalCount)
            throw new ArgumentException($"layout holds {layout.TotalCount} values, got {values.Length}");
        Layout = layout;
        Values = values;
    }

    public ModelWeights ToWeights()
    {
        var tensors = new List<TensorPayload>(Layout.Parameters.Count);
        var offset = 0;
        foreach (var p in Layout.Parameters)
        {
            tensors.Add(TensorCodec.Encode(p.Name, p.Shape, Values.AsSpan(offset, p.Count)));
            offset += p.Count;
        }
        return new ModelWeights { Tensors = tensors };
    }

    /// <summary>Decodes weights that must match <paramref name="layout"/> exactly: same tensors, names, order and shapes.</summary>
    public static FlatParameters FromWeights(ParameterLayout layout, ModelWeights weights)
    {
        CheckTensors(layout, weights);
        var values = new float[layout.TotalCount];
        var offset = 0;
        for (var i = 0; i < layout.Parameters.Count; i++)
        {
            TensorCodec.DecodeInto(weights.Tensors[i], values.AsSpan(offset, layout.Parameters[i].Count));
            offset += layout.Parameters[i].Count;
        }
        return new FlatParameters(layout, values);
    }

    /// <summary>The same checks as <see cref="FromWeights"/> without making a flat copy (a large model's update is checked in place).</summary>
    public static void Validate(ParameterLayout layout, ModelWeights weights)
    {
        CheckTensors(layout, weights);
        for (var i = 0; i < layout.Parameters.Count; i++) TensorCodec.Validate(weights.Tensors[i], layout.Parameters[i].Count);
    }

    private static void CheckTensors(ParameterLayout layout, ModelWeights weights)
    {
        if (weights?.Tensors is null) throw new InvalidPayloadException("weights: no tensors");
        if (weights.Tensors.Count != layout.Parameters.Count)
            throw new InvalidPayloadException($"weights: {weights.Tensors.Count} tensors, the model has {layout.Parameters.Count} " +
                $"({string.Join(", ", layout.Parameters.Select(p => p.Name))})");
        for (var i = 0; i < layout.Parameters.Count; i++)
        {
            var expected = layout.Parameters[i];
            var actual = weights.Tensors[i];
            if (actual.Name != expected.Name || actual.Shape is null || !actual.Shape.SequenceEqual(expected.Shape))
                throw new InvalidPayloadException(
                    $"weights: tensor {i} is '{actual.Name}' [{string.Join(",", actual.Shape ?? [])}], expected '{expected.Name}' " +
                        $"[{string.Join(",", expected.Shape)}]");
        }
    }

    /// <summary>Seeded initial weights, uniform in ±1/sqrt(fan-in) like PyTorch's Linear default, so every run of a seed starts the same.</summary>
    public static FlatParameters Initial(ParameterLayout layout, int seed)
    {
        var random = new Random(seed);
        var values = new float[layout.TotalCount];
        var offset = 0;
        foreach (var p in layout.Parameters)
        {
            var span = values.AsSpan(offset, p.Count);
            switch (p.Init)
            {
                case ParameterInit.Ones: span.Fill(1); break;
                case ParameterInit.Zeros: span.Clear(); break;
                case ParameterInit.Normal:
                    // Box-Muller from the same seeded stream, so a (layout, seed) pair always starts the same.
                    for (var i = 0; i < span.Length; i++)
                        span[i] = (float)(Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble()));
                    break;
                default:
                    var fanIn = p.FanIn > 0 ? p.FanIn : p.Shape.Length == 2 ? p.Shape[1] : FanInOfBias(layout, p);
                    var bound = 1.0 / Math.Sqrt(fanIn);
                    for (var i = 0; i < span.Length; i++) span[i] = (float)((random.NextDouble() * 2 - 1) * bound);
                    break;
            }
            offset += p.Count;
        }
        return new FlatParameters(layout, values);
    }

    private static int FanInOfBias(ParameterLayout layout, ParameterShape bias)
    {
        var weightName = bias.Name.Replace(".bias", ".weight");
        return layout.Parameters.First(q => q.Name == weightName).Shape[1];
    }
}
