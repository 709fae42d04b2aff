namespace FedHealth.Privacy.SecureAggregation;

/// <summary>
/// Fixed-point encoding of real values into the ring Z(2^64), where masks cancel exactly. A value x becomes
/// round(x · 2^24) in two's complement, so sums of encoded values decode to sums of values with a resolution of
/// 2^-24 (about 6e-8) per term. To keep a sum of up to <see cref="MaxParties"/> terms from wrapping, each encoded
/// value must satisfy |x| ≤ <see cref="MaxMagnitude"/> (2^63 / 2^24 / 1024 = 2^29, about 5.4e8); larger values
/// are refused rather than silently wrapped.
/// </summary>
public static class FixedPointRing
{
    public const int FractionBits = 24;
    public const int MaxParties = 1024;
    public static readonly double Scale = Math.Pow(2, FractionBits);
    public static readonly double MaxMagnitude = Math.Pow(2, 63 - FractionBits - 10);

    public static ulong Encode(double value, int index = -1)
    {
        if (!double.IsFinite(value) || Math.Abs(value) > MaxMagnitude)
            throw new OverflowException($"value {value}{(index >= 0 ? $" at coordinate {index}" : "")} is outside ±{MaxMagnitude:E2}, the range that " +
                $"{MaxParties} parties can add without wrapping");
        return unchecked((ulong)(long)Math.Round(value * Scale));
    }

    public static double Decode(ulong sum) => unchecked((long)sum) / Scale;
}
