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
    public static void Apply(ReadOnlySpan<byte> seed, Span<ulong> target, bool subtract = false) => Apply(seed, target, subtract, 0);

    /// <summary>
    /// Applies several masks to one vector using every core: the vector is cut into ranges and each core expands
    /// every mask for its range only (counter mode lets a mask start anywhere), so each element is touched by one core.
    /// </summary>
    public static void ApplyAll(IReadOnlyList<(byte[] Seed, bool Subtract)> masks, ulong[] target)
    {
        const int rangeElements = ChunkBytes / sizeof(ulong) * 4;
        var ranges = (target.Length + rangeElements - 1) / rangeElements;
        Parallel.For(0, ranges, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, r =>
        {
            var start = r * rangeElements;
            var slice = target.AsSpan(start, Math.Min(rangeElements, target.Length - start));
            foreach (var (seed, subtract) in masks) Apply(seed, slice, subtract, start);
        });
    }

    /// <summary>The mask's elements from <paramref name="firstElement"/> on (even, so it starts on an AES block) applied to <paramref
    /// name="target"/>.</summary>
    private static void Apply(ReadOnlySpan<byte> seed, Span<ulong> target, bool subtract, int firstElement)
    {
        if (seed.Length != 32) throw new ArgumentException("mask seeds are 32 bytes", nameof(seed));
        if (firstElement % 2 != 0) throw new ArgumentOutOfRangeException(nameof(firstElement), "a mask range starts on an even element");
        using var aes = Aes.Create();
        aes.Key = seed.ToArray();
        var counters = ArrayPool<byte>.Shared.Rent(ChunkBytes);
        var stream = ArrayPool<byte>.Shared.Rent(ChunkBytes);
        try
        {
            var block = (ulong)firstElement / 2;
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
