using System.Buffers.Binary;
using System.Security.Cryptography;
using FedHealth.Contracts;

namespace FedHealth.Learning.Codec;

/// <summary>Turns float32 values into a <see cref="TensorPayload"/> and back, refusing anything malformed.</summary>
public static class TensorCodec
{
    public static TensorPayload Encode(string name, int[] shape, ReadOnlySpan<float> values)
    {
        if (ElementCount(shape) != values.Length)
            throw new ArgumentException($"tensor '{name}': shape [{string.Join(",", shape)}] holds {ElementCount(shape)} values, got {values.Length}");
        var data = new byte[values.Length * sizeof(float)];
        for (var i = 0; i < values.Length; i++)
            BinaryPrimitives.WriteSingleLittleEndian(data.AsSpan(i * sizeof(float)), values[i]);
        return new TensorPayload { Name = name, Shape = (int[])shape.Clone(), Data = data, Sha256 = Checksum(data) };
    }

    /// <summary>Checks dtype, size, checksum and that every value is finite, without decoding into a copy.</summary>
    public static void Validate(TensorPayload payload, int expectedCount)
    {
        CheckHeader(payload, expectedCount);
        for (var i = 0; i < expectedCount; i++)
        {
            var v = BinaryPrimitives.ReadSingleLittleEndian(payload.Data.AsSpan(i * sizeof(float)));
            if (!float.IsFinite(v)) throw new InvalidPayloadException($"tensor '{payload.Name}': value {i} is {v} (NaN or infinite values are refused)");
        }
    }

    /// <summary>The float32 value at <paramref name="index"/> of a payload already checked.</summary>
    public static float ValueAt(TensorPayload payload, int index) => BinaryPrimitives.ReadSingleLittleEndian(payload.Data.AsSpan(index * sizeof(float)));

    private static void CheckHeader(TensorPayload payload, int expectedCount)
    {
        var where = $"tensor '{payload.Name}'";
        if (payload.DType != "float32") throw new InvalidPayloadException($"{where}: dtype '{payload.DType}' is not supported (float32 only)");
        if (payload.Shape is null || payload.Data is null) throw new InvalidPayloadException($"{where}: shape or data is missing");
        if (ElementCount(payload.Shape) != expectedCount || payload.Data.Length != (long)expectedCount * sizeof(float))
            throw new InvalidPayloadException(
                $"{where}: {payload.Data.Length} bytes for shape [{string.Join(",", payload.Shape)}], expected {expectedCount} float32 values");
        if (!string.Equals(Checksum(payload.Data), payload.Sha256, StringComparison.OrdinalIgnoreCase))
            throw new InvalidPayloadException($"{where}: SHA-256 of the data does not match the declared checksum (corrupted in transit?)");
    }

    /// <summary>Decodes into <paramref name="destination"/>, checking dtype, size, checksum and that every value is finite.</summary>
    public static void DecodeInto(TensorPayload payload, Span<float> destination)
    {
        var where = $"tensor '{payload.Name}'";
        if (payload.DType != "float32") throw new InvalidPayloadException($"{where}: dtype '{payload.DType}' is not supported (float32 only)");
        if (payload.Shape is null || payload.Data is null) throw new InvalidPayloadException($"{where}: shape or data is missing");
        var expected = ElementCount(payload.Shape);
        if (expected != destination.Length || payload.Data.Length != expected * sizeof(float))
            throw new InvalidPayloadException(
                $"{where}: {payload.Data.Length} bytes for shape [{string.Join(",", payload.Shape)}], expected {destination.Length} float32 values");
        if (!string.Equals(Checksum(payload.Data), payload.Sha256, StringComparison.OrdinalIgnoreCase))
            throw new InvalidPayloadException($"{where}: SHA-256 of the data does not match the declared checksum (corrupted in transit?)");
        for (var i = 0; i < destination.Length; i++)
        {
            var v = BinaryPrimitives.ReadSingleLittleEndian(payload.Data.AsSpan(i * sizeof(float)));
            if (!float.IsFinite(v)) throw new InvalidPayloadException($"{where}: value {i} is {v} (NaN or infinite values are refused)");
            destination[i] = v;
        }
    }

    public static int ElementCount(int[] shape)
    {
        long n = 1;
        foreach (var d in shape)
        {
            if (d <= 0) return -1;
            n *= d;
            if (n > int.MaxValue) return -1;
        }
        return (int)n;
    }

    public static string Checksum(byte[] data) => Convert.ToHexStringLower(SHA256.HashData(data));
}
