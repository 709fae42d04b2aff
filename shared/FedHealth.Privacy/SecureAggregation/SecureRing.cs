using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using FedHealth.Contracts;

namespace FedHealth.Privacy.SecureAggregation;

/// <summary>
/// The ring a secure round sums in, and how an input travels in it. Masks are always drawn in Z(2^64) (the mask
/// expander's AES stream); the 32-bit ring sends only each masked value's low 32 bits. Reducing modulo 2^32 keeps
/// the sum (it is a ring homomorphism) and the masks' low halves are as uniform as the masks, so what a party sees is
/// as random as before, in half the bytes. What is given up is range: the sum of all parties' inputs must stay
/// within ±2^(bits−1−fraction), so each party's input within that over the number of parties; a site checks its own
/// input and declines a round it would not fit (<see cref="Encode"/>).
/// </summary>
public sealed record SecureRing(int Bits, int FractionBits)
{
    /// <summary>Today's ring: 64 bits, 24 fraction bits, inputs up to ±2^29 from up to <see cref="FixedPointRing.MaxParties"/> parties.</summary>
    public static readonly SecureRing Wide = new(64, FixedPointRing.FractionBits);

    /// <summary>
    /// Half the bytes: 32 bits, 12 fraction bits. The sum of inputs must stay within ±2^19 (524,288): rows × |weight|
    /// summed over the sites. For the shipped breast-prognosis sites (at most about 1,500 rows, |w| a few units) it does;
    /// the average's resolution after dividing by the rows (thousands) is about 1e-7, finer than float32.
    /// </summary>
    public static readonly SecureRing Compact = new(32, 12);

    public static IReadOnlyList<int> Allowed => [32, 64];

    /// <summary>The ring a round's settings name; an unknown one is refused by name.</summary>
    public static SecureRing Of(SecureRoundSettings settings) => (settings.RingBits, settings.FractionBits) switch
    {
        (64, FixedPointRing.FractionBits) => Wide,
        (32, 12) => Compact,
        var (bits, fraction) => throw new SecureRoundException(
            $"the round sums in a ring of {bits} bits with {fraction} fraction bits, which this site does not know (64/24 or 32/12)"),
    };

    public static SecureRing ForBits(int bits) => bits == 32 ? Compact : Wide;

    public int BytesPerValue => Bits / 8;

    /// <summary>The largest |x| one of <paramref name="parties"/> parties may add without the sum leaving the ring's range.</summary>
    public double MaxMagnitude(int parties) =>
        Bits == 64 ? FixedPointRing.MaxMagnitude : Math.Pow(2, Bits - 1 - FractionBits) / Math.Max(1, parties);

    /// <exception cref="OverflowException">The value is not finite or does not fit the ring for this many parties.</exception>
    public ulong Encode(double value, int parties, int index = -1)
    {
        if (Bits == 64) return FixedPointRing.Encode(value, index);
        var max = MaxMagnitude(parties);
        if (!double.IsFinite(value) || Math.Abs(value) > max)
        {
            var where = index >= 0 ? $" at coordinate {index}" : "";
            throw new OverflowException($"value {value}{where} is outside ±{max:G4}, what {parties} parties can add in the round's {Bits}-bit ring");
        }
        return unchecked((ulong)(long)Math.Round(value * Math.Pow(2, FractionBits)));
    }

    /// <summary>
    /// Encodes <paramref name="values"/> × <paramref name="factor"/> into <paramref name="into"/>, bit for bit what
    /// <see cref="Encode"/> gives each (the same double products, rounded half to even), four at a time where the
    /// machine has 256-bit vectors; the first value out of range is refused by <see cref="Encode"/> with its coordinate.
    /// </summary>
    public void EncodeAll(ReadOnlySpan<float> values, double factor, int parties, Span<ulong> into)
    {
        if (into.Length < values.Length) throw new ArgumentException($"{into.Length} places for {values.Length} values", nameof(into));
        var i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            var max = Vector256.Create(MaxMagnitude(parties));
            var scale = Vector256.Create(Math.Pow(2, FractionBits));
            var by = Vector256.Create(factor);
            var wide = MemoryMarshal.Cast<ulong, Vector256<long>>(into);
            for (; i + 4 <= values.Length; i += 4)
            {
                var x = Vector256.WidenLower(Vector128.Create(values.Slice(i, 4)).ToVector256()) * by;
                // NaN and ±∞ fail this test too; the scalar path below then names the coordinate.
                if (!Vector256.LessThanOrEqualAll(Vector256.Abs(x), max)) break;
                wide[i / 4] = Vector256.ConvertToInt64(Vector256.Round(x * scale));
            }
        }
        for (; i < values.Length; i++) into[i] = Encode(values[i] * factor, parties, i);
    }

    /// <summary>A recovered sum (see <see cref="Finish"/>) as the real number it encodes.</summary>
    public double Decode(ulong sum) => unchecked((long)sum) / Math.Pow(2, FractionBits);

    /// <summary>
    /// Masks <paramref name="input"/> with <paramref name="masks"/> into a new buffer laid out as it travels: in the
    /// 64-bit ring the input is copied once, straight into the wire buffer, and masked there.
    /// </summary>
    public byte[] MaskToWire(ulong[] input, IReadOnlyList<(byte[] Seed, bool Subtract)> masks)
    {
        if (Bits != 64)
        {
            var masked = (ulong[])input.Clone();
            MaskExpander.ApplyAll(masks, masked);
            return ToWire(masked);
        }
        var wire = GC.AllocateUninitializedArray<byte>(input.Length * sizeof(ulong));
        MemoryMarshal.AsBytes(input.AsSpan()).CopyTo(wire);
        MaskExpander.ApplyAll(masks, wire);
        return wire;
    }

    /// <summary>A masked input as it travels: 8 or 4 bytes a value.</summary>
    public byte[] ToWire(ulong[] masked)
    {
        if (Bits == 64) return MemoryMarshal.AsBytes(masked.AsSpan()).ToArray();
        var low = new uint[masked.Length];
        for (var i = 0; i < masked.Length; i++) low[i] = unchecked((uint)masked[i]);
        return MemoryMarshal.AsBytes(low.AsSpan()).ToArray();
    }

    /// <summary>Adds a masked input as it travelled into the running sum (the low 32 bits are what count in the 32-bit ring).</summary>
    public void AddWire(ulong[] sum, ReadOnlySpan<byte> wire)
    {
        if (Bits == 64) { MaskExpander.AddInto(sum, MemoryMarshal.Cast<byte, ulong>(wire)); return; }
        var low = MemoryMarshal.Cast<byte, uint>(wire);
        for (var i = 0; i < sum.Length; i++) sum[i] = unchecked(sum[i] + low[i]);
    }

    /// <summary>The sum once every mask is removed, as a 64-bit two's-complement value (the 32-bit ring's low half, sign-extended).</summary>
    public void Finish(ulong[] sum)
    {
        if (Bits == 64) return;
        for (var i = 0; i < sum.Length; i++) sum[i] = unchecked((ulong)(long)(int)(uint)sum[i]);
    }
}
