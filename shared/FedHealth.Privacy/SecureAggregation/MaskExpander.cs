using System.Buffers;
using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace FedHealth.Privacy.SecureAggregation;

/// <summary>
/// The pseudo-random generator that expands a 32-byte seed into a mask over the ring Z(2^64): AES-256 in counter
/// mode (the counter blocks encrypted with ECB, which runs on AES-NI), so a mask is as unpredictable as AES and
/// every party expands the same seed to the same mask.
/// </summary>
public static class MaskExpander
{
    private const int ChunkBytes = 64 * 1024;

    /// <summary>Adds (or subtracts) the mask of <paramref name="seed"/> to <paramref name="target"/>, element by element, modulo 2^64.</summary>
    public static void Apply(ReadOnlySpan<byte> seed, Span<ulong> target, bool subtract = false)
    {
        if (seed.Length != 32) throw new ArgumentException("mask seeds are 32 bytes", nameof(seed));
        using var aes = Aes.Create();
        aes.Key = seed.ToArray();
        var counters = ArrayPool<byte>.Shared.Rent(ChunkBytes);
        var stream = ArrayPool<byte>.Shared.Rent(ChunkBytes);
        try
        {
            ulong block = 0;
            for (var offset = 0; offset < target.Length; offset += ChunkBytes / sizeof(ulong))
            {
                var count = Math.Min(ChunkBytes / sizeof(ulong), target.Length - offset);
                var bytes = (count * sizeof(ulong) + 15) / 16 * 16;
                for (var b = 0; b < bytes; b += 16, block++)
                {
                    BinaryPrimitives.WriteUInt64LittleEndian(counters.AsSpan(b), block);
                    BinaryPrimitives.WriteUInt64LittleEndian(counters.AsSpan(b + 8), 0);
                }
                aes.EncryptEcb(counters.AsSpan(0, bytes), stream.AsSpan(0, bytes), PaddingMode.None);
                AddInto(target.Slice(offset, count), MemoryMarshal.Cast<byte, ulong>(stream.AsSpan(0, count * sizeof(ulong))), subtract);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(counters);
            ArrayPool<byte>.Shared.Return(stream, clearArray: true);
        }
    }

    /// <summary>Element-wise add or subtract modulo 2^64, a SIMD vector at a time.</summary>
    public static void AddInto(Span<ulong> target, ReadOnlySpan<ulong> values, bool subtract = false)
    {
        var vectors = Vector<ulong>.Count;
        var whole = target.Length - target.Length % vectors;
        var t = MemoryMarshal.Cast<ulong, Vector<ulong>>(target[..whole]);
        var v = MemoryMarshal.Cast<ulong, Vector<ulong>>(values[..whole]);
        if (subtract) for (var i = 0; i < t.Length; i++) t[i] -= v[i];
        else for (var i = 0; i < t.Length; i++) t[i] += v[i];
        for (var i = whole; i < target.Length; i++) target[i] = subtract ? target[i] - values[i] : target[i] + values[i];
    }
}
