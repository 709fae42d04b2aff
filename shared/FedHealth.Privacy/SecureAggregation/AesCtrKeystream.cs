using System.Buffers;
using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Security.Cryptography;
using AesNi = System.Runtime.Intrinsics.X86.Aes;
using Sse2 = System.Runtime.Intrinsics.X86.Sse2;

namespace FedHealth.Privacy.SecureAggregation;

/// <summary>
/// AES-256 in counter mode, added (or subtracted) straight into a vector of ring elements modulo 2^64: block i encrypts
/// the 16-byte counter (i as little-endian 64 bits, then 8 zero bytes) and gives elements 2i and 2i+1. The same
/// keystream as <see cref="Aes.EncryptEcb(ReadOnlySpan{byte}, PaddingMode)"/> over those counters (the form masks always
/// had), but with AES-NI the blocks are encrypted eight at a time in registers and never written to memory: no counter
/// buffer, no keystream buffer, one read and one write of each element. Without AES-NI it falls back to ECB over a
/// pooled counter buffer.
/// </summary>
public sealed class AesCtrKeystream
{
    private const int Rounds = 14;
    private readonly byte[] key;
    private readonly Vector128<byte>[]? schedule;

    /// <param name="key">The 32-byte AES-256 key (a mask seed).</param>
    public AesCtrKeystream(ReadOnlySpan<byte> key)
    {
        if (key.Length != 32) throw new ArgumentException($"AES-256 keys are 32 bytes, got {key.Length}", nameof(key));
        this.key = key.ToArray();
        if (AesNi.IsSupported) schedule = Expand(this.key);
    }

    /// <summary>Whether this machine encrypts with AES-NI (otherwise the ECB fallback runs).</summary>
    public static bool Accelerated => AesNi.IsSupported;

    /// <summary>
    /// Adds (or subtracts) the keystream from element <paramref name="firstElement"/> on (even: a block boundary) to
    /// <paramref name="target"/>.
    /// </summary>
    public void AddTo(Span<ulong> target, long firstElement, bool subtract)
    {
        if (firstElement % 2 != 0) throw new ArgumentOutOfRangeException(nameof(firstElement), "a keystream range starts on an even element");
        if (schedule is not null)
        {
            if (subtract) Encrypt<Subtract>(schedule, target, (ulong)firstElement / 2);
            else Encrypt<Add>(schedule, target, (ulong)firstElement / 2);
        }
        else AddToByEcb(target, firstElement, subtract);
    }

    private interface ICombine { static abstract Vector128<ulong> Apply(Vector128<ulong> target, Vector128<byte> stream); }
    private readonly struct Add : ICombine
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector128<ulong> Apply(Vector128<ulong> target, Vector128<byte> stream) => target + stream.AsUInt64();
    }
    private readonly struct Subtract : ICombine
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector128<ulong> Apply(Vector128<ulong> target, Vector128<byte> stream) => target - stream.AsUInt64();
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Encrypt<TCombine>(Vector128<byte>[] keys, Span<ulong> target, ulong block) where TCombine : ICombine
    {
        var blocks = MemoryMarshal.Cast<ulong, Vector128<ulong>>(target);
        ref var t = ref MemoryMarshal.GetReference(blocks);
        // The schedule in locals (registers where the machine has 32 of them), the rounds unrolled.
        var (k0, k1, k2, k3, k4, k5, k6, k7) = (keys[0], keys[1], keys[2], keys[3], keys[4], keys[5], keys[6], keys[7]);
        var (k8, k9, k10, k11, k12, k13, k14) = (keys[8], keys[9], keys[10], keys[11], keys[12], keys[13], keys[14]);
        var i = 0;
        // Eight independent blocks in flight hide AESENC's latency (the unit takes one a cycle, each round waits about four).
        for (; i + 8 <= blocks.Length; i += 8, block += 8)
        {
            var b0 = Counter(block) ^ k0; var b1 = Counter(block + 1) ^ k0; var b2 = Counter(block + 2) ^ k0; var b3 = Counter(block + 3) ^ k0;
            var b4 = Counter(block + 4) ^ k0; var b5 = Counter(block + 5) ^ k0; var b6 = Counter(block + 6) ^ k0; var b7 = Counter(block + 7) ^ k0;
            Round(ref b0, ref b1, ref b2, ref b3, ref b4, ref b5, ref b6, ref b7, k1);
            Round(ref b0, ref b1, ref b2, ref b3, ref b4, ref b5, ref b6, ref b7, k2);
            Round(ref b0, ref b1, ref b2, ref b3, ref b4, ref b5, ref b6, ref b7, k3);
            Round(ref b0, ref b1, ref b2, ref b3, ref b4, ref b5, ref b6, ref b7, k4);
            Round(ref b0, ref b1, ref b2, ref b3, ref b4, ref b5, ref b6, ref b7, k5);
            Round(ref b0, ref b1, ref b2, ref b3, ref b4, ref b5, ref b6, ref b7, k6);
            Round(ref b0, ref b1, ref b2, ref b3, ref b4, ref b5, ref b6, ref b7, k7);
            Round(ref b0, ref b1, ref b2, ref b3, ref b4, ref b5, ref b6, ref b7, k8);
            Round(ref b0, ref b1, ref b2, ref b3, ref b4, ref b5, ref b6, ref b7, k9);
            Round(ref b0, ref b1, ref b2, ref b3, ref b4, ref b5, ref b6, ref b7, k10);
            Round(ref b0, ref b1, ref b2, ref b3, ref b4, ref b5, ref b6, ref b7, k11);
            Round(ref b0, ref b1, ref b2, ref b3, ref b4, ref b5, ref b6, ref b7, k12);
            Round(ref b0, ref b1, ref b2, ref b3, ref b4, ref b5, ref b6, ref b7, k13);
            ref var at = ref Unsafe.Add(ref t, i);
            at = TCombine.Apply(at, AesNi.EncryptLast(b0, k14));
            Unsafe.Add(ref at, 1) = TCombine.Apply(Unsafe.Add(ref at, 1), AesNi.EncryptLast(b1, k14));
            Unsafe.Add(ref at, 2) = TCombine.Apply(Unsafe.Add(ref at, 2), AesNi.EncryptLast(b2, k14));
            Unsafe.Add(ref at, 3) = TCombine.Apply(Unsafe.Add(ref at, 3), AesNi.EncryptLast(b3, k14));
            Unsafe.Add(ref at, 4) = TCombine.Apply(Unsafe.Add(ref at, 4), AesNi.EncryptLast(b4, k14));
            Unsafe.Add(ref at, 5) = TCombine.Apply(Unsafe.Add(ref at, 5), AesNi.EncryptLast(b5, k14));
            Unsafe.Add(ref at, 6) = TCombine.Apply(Unsafe.Add(ref at, 6), AesNi.EncryptLast(b6, k14));
            Unsafe.Add(ref at, 7) = TCombine.Apply(Unsafe.Add(ref at, 7), AesNi.EncryptLast(b7, k14));
        }
        for (; i < blocks.Length; i++, block++) Unsafe.Add(ref t, i) = TCombine.Apply(Unsafe.Add(ref t, i), EncryptOne(keys, Counter(block)));
        if (target.Length % 2 == 1)
        {
            // An odd tail takes the first half (the low 8 bytes) of one more block.
            var last = EncryptOne(keys, Counter(block)).AsUInt64();
            var single = TCombine.Apply(Vector128.Create(target[^1], 0UL), last.AsByte());
            target[^1] = single.GetElement(0);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Round(ref Vector128<byte> b0, ref Vector128<byte> b1, ref Vector128<byte> b2, ref Vector128<byte> b3,
        ref Vector128<byte> b4, ref Vector128<byte> b5, ref Vector128<byte> b6, ref Vector128<byte> b7, Vector128<byte> k)
    {
        b0 = AesNi.Encrypt(b0, k); b1 = AesNi.Encrypt(b1, k); b2 = AesNi.Encrypt(b2, k); b3 = AesNi.Encrypt(b3, k);
        b4 = AesNi.Encrypt(b4, k); b5 = AesNi.Encrypt(b5, k); b6 = AesNi.Encrypt(b6, k); b7 = AesNi.Encrypt(b7, k);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<byte> Counter(ulong block) => Vector128.Create(block, 0UL).AsByte();

    private static Vector128<byte> EncryptOne(Vector128<byte>[] keys, Vector128<byte> block)
    {
        block ^= keys[0];
        for (var r = 1; r < Rounds; r++) block = AesNi.Encrypt(block, keys[r]);
        return AesNi.EncryptLast(block, keys[Rounds]);
    }

    /// <summary>The AES-256 key schedule (FIPS-197 §5.2) with AESKEYGENASSIST, as in Intel's AES-NI white paper.</summary>
    private static Vector128<byte>[] Expand(byte[] key)
    {
        var keys = new Vector128<byte>[Rounds + 1];
        var t1 = Vector128.Create(key.AsSpan(0, 16));
        var t3 = Vector128.Create(key.AsSpan(16, 16));
        keys[0] = t1;
        keys[1] = t3;
        // The round constant must be an immediate of AESKEYGENASSIST, hence one line per pair of round keys.
        (keys[2], keys[3]) = Next(ref t1, ref t3, AesNi.KeygenAssist(t3, 0x01));
        (keys[4], keys[5]) = Next(ref t1, ref t3, AesNi.KeygenAssist(t3, 0x02));
        (keys[6], keys[7]) = Next(ref t1, ref t3, AesNi.KeygenAssist(t3, 0x04));
        (keys[8], keys[9]) = Next(ref t1, ref t3, AesNi.KeygenAssist(t3, 0x08));
        (keys[10], keys[11]) = Next(ref t1, ref t3, AesNi.KeygenAssist(t3, 0x10));
        (keys[12], keys[13]) = Next(ref t1, ref t3, AesNi.KeygenAssist(t3, 0x20));
        keys[14] = Fold(t1) ^ Sse2.Shuffle(AesNi.KeygenAssist(t3, 0x40).AsInt32(), 0xFF).AsByte();
        return keys;
    }

    private static (Vector128<byte>, Vector128<byte>) Next(ref Vector128<byte> t1, ref Vector128<byte> t3, Vector128<byte> assist)
    {
        t1 = Fold(t1) ^ Sse2.Shuffle(assist.AsInt32(), 0xFF).AsByte();
        t3 = Fold(t3) ^ Sse2.Shuffle(AesNi.KeygenAssist(t1, 0).AsInt32(), 0xAA).AsByte();
        return (t1, t3);
    }

    /// <summary>w ^ (w &lt;&lt; 32) ^ (w &lt;&lt; 64) ^ (w &lt;&lt; 96): each word of the next round key folds in the ones before it.</summary>
    private static Vector128<byte> Fold(Vector128<byte> w)
    {
        var shifted = Sse2.ShiftLeftLogical128BitLane(w, 4);
        w ^= shifted;
        shifted = Sse2.ShiftLeftLogical128BitLane(shifted, 4);
        w ^= shifted;
        shifted = Sse2.ShiftLeftLogical128BitLane(shifted, 4);
        return w ^ shifted;
    }

    private const int PortableChunkBytes = 64 * 1024;

    /// <summary>
    /// The same keystream through <see cref="Aes.EncryptEcb(ReadOnlySpan{byte}, Span{byte}, PaddingMode)"/>: also the
    /// reference the tests hold the fast path to.
    /// </summary>
    public void AddToByEcb(Span<ulong> target, long firstElement, bool subtract)
    {
        if (firstElement % 2 != 0) throw new ArgumentOutOfRangeException(nameof(firstElement), "a keystream range starts on an even element");
        var block = (ulong)firstElement / 2;
        using var aes = Aes.Create();
        aes.Key = key;
        var counters = ArrayPool<byte>.Shared.Rent(PortableChunkBytes);
        var stream = ArrayPool<byte>.Shared.Rent(PortableChunkBytes);
        try
        {
            for (var offset = 0; offset < target.Length; offset += PortableChunkBytes / sizeof(ulong))
            {
                var count = Math.Min(PortableChunkBytes / sizeof(ulong), target.Length - offset);
                var bytes = (count * sizeof(ulong) + 15) / 16 * 16;
                for (var b = 0; b < bytes; b += 16, block++)
                {
                    BinaryPrimitives.WriteUInt64LittleEndian(counters.AsSpan(b), block);
                    BinaryPrimitives.WriteUInt64LittleEndian(counters.AsSpan(b + 8), 0);
                }
                aes.EncryptEcb(counters.AsSpan(0, bytes), stream.AsSpan(0, bytes), PaddingMode.None);
                MaskExpander.AddInto(target.Slice(offset, count), MemoryMarshal.Cast<byte, ulong>(stream.AsSpan(0, count * sizeof(ulong))), subtract);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(counters);
            ArrayPool<byte>.Shared.Return(stream, clearArray: true);
        }
    }
}
