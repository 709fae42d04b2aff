using System.Numerics;
using System.Runtime.InteropServices;

namespace FedHealth.Privacy.SecureAggregation;

/// <summary>
/// The pseudo-random generator that expands a 32-byte seed into a mask over the ring Z(2^64): AES-256 in counter
/// mode (<see cref="AesCtrKeystream"/>), so a mask is as unpredictable as AES and every party expands the same seed
/// to the same mask.
/// </summary>
public static class MaskExpander
{
    /// <summary>Elements one core takes at a time: 128 KB, so the range stays in its L2 cache while every mask is added to it.</summary>
    private const int RangeElements = 16 * 1024;

    /// <summary>Adds (or subtracts) the mask of <paramref name="seed"/> to <paramref name="target"/>, element by element, modulo 2^64.</summary>
    public static void Apply(ReadOnlySpan<byte> seed, Span<ulong> target, bool subtract = false) =>
        new AesCtrKeystream(Checked(seed)).AddTo(target, 0, subtract);

    /// <summary>
    /// Applies several masks to one vector using every core: the vector is cut into ranges and each core expands
    /// every mask for its range only (counter mode lets a mask start anywhere), so each element is read and written
    /// once per mask while it sits in that core's cache, and no mask is ever held in memory.
    /// </summary>
    public static void ApplyAll(IReadOnlyList<(byte[] Seed, bool Subtract)> masks, ulong[] target) =>
        ApplyAll(masks, target.Length, (start, count) => target.AsSpan(start, count));

    /// <summary>The same over a vector of 64-bit elements that is already laid out as bytes (a masked input on its way to the wire).</summary>
    public static void ApplyAll(IReadOnlyList<(byte[] Seed, bool Subtract)> masks, byte[] target)
    {
        if (target.Length % sizeof(ulong) != 0) throw new ArgumentException($"{target.Length} bytes are not whole 64-bit elements", nameof(target));
        ApplyAll(masks, target.Length / sizeof(ulong),
            (start, count) => MemoryMarshal.Cast<byte, ulong>(target.AsSpan(start * sizeof(ulong), count * sizeof(ulong))));
    }

    private delegate Span<ulong> RangeOf(int start, int count);

    private static void ApplyAll(IReadOnlyList<(byte[] Seed, bool Subtract)> masks, int length, RangeOf range)
    {
        var streams = masks.Select(m => (Stream: new AesCtrKeystream(Checked(m.Seed)), m.Subtract)).ToArray();
        var ranges = (length + RangeElements - 1) / RangeElements;
        Parallel.For(0, ranges, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, r =>
        {
            var start = r * RangeElements;
            var slice = range(start, Math.Min(RangeElements, length - start));
            foreach (var (stream, subtract) in streams) stream.AddTo(slice, start, subtract);
        });
    }

    private static ReadOnlySpan<byte> Checked(ReadOnlySpan<byte> seed) =>
        seed.Length == 32 ? seed : throw new ArgumentException("mask seeds are 32 bytes", nameof(seed));

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
