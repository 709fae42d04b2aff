using FedHealth.Contracts;

namespace FedHealth.Learning.Codec;

/// <summary>
/// Flat float vectors of one length that travel or are journaled as named one-dimensional tensors (SCAFFOLD's
/// control "c", a server optimiser's moments "m" and "v"): encoded in order, and decoded only when the names, order
/// and length are exactly the expected ones, so a malformed payload is refused naming what is wrong.
/// </summary>
public static class NamedVectors
{
    public static ModelWeights Encode(params (string Name, float[] Values)[] vectors) =>
        new() { Tensors = vectors.Select(v => TensorCodec.Encode(v.Name, [v.Values.Length], v.Values)).ToList() };

    /// <param name="what">What the vectors are, for the error ("control variate").</param>
    public static float[][] Decode(ModelWeights? weights, int length, string what, params string[] names)
    {
        var expected = string.Join(", ", names.Select(n => $"'{n}' [{length}]"));
        if (weights?.Tensors is not { } tensors || tensors.Count != names.Length)
            throw new InvalidPayloadException($"{what}: {weights?.Tensors?.Count ?? 0} tensors, expected {expected} (the model's parameter count)");
        var decoded = new float[names.Length][];
        for (var i = 0; i < names.Length; i++)
        {
            var t = tensors[i];
            if (t is null || t.Name != names[i] || t.Shape is not { Length: 1 } || t.Shape[0] != length)
                throw new InvalidPayloadException(
                    $"{what}: tensor '{t?.Name}' [{string.Join(",", t?.Shape ?? [])}], expected {expected} (the model's parameter count)");
            TensorCodec.DecodeInto(t, decoded[i] = new float[length]);
        }
        return decoded;
    }
}
