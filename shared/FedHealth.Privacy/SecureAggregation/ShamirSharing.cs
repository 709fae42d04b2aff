using System.Security.Cryptography;

namespace FedHealth.Privacy.SecureAggregation;

/// <summary>One share of a secret: the evaluation point (1..255) and one byte per secret byte.</summary>
public sealed record ShamirShare(byte X, byte[] Y);

/// <summary>
/// Shamir's t-of-n secret sharing over GF(2^8), byte by byte (the field of AES, polynomial x^8+x^4+x^3+x+1):
/// any t shares give the secret back, t-1 shares say nothing about it.
/// </summary>
public static class ShamirSharing
{
    private static readonly byte[] Exp = new byte[512];
    private static readonly byte[] Log = new byte[256];

    static ShamirSharing()
    {
        var x = 1;
        for (var i = 0; i < 255; i++)
        {
            Exp[i] = (byte)x;
            Log[x] = (byte)i;
            x ^= x << 1; // multiply by the generator 3
            if ((x & 0x100) != 0) x ^= 0x11B;
        }
        for (var i = 255; i < 512; i++) Exp[i] = Exp[i - 255];
    }

    public static IReadOnlyList<ShamirShare> Split(ReadOnlySpan<byte> secret, int shares, int threshold)
    {
        if (threshold < 1 || threshold > shares || shares > 255)
            throw new ArgumentException($"need 1 ≤ threshold ({threshold}) ≤ shares ({shares}) ≤ 255");
        var coefficients = new byte[secret.Length, threshold];
        var random = RandomNumberGenerator.GetBytes(secret.Length * threshold);
        for (var b = 0; b < secret.Length; b++)
        {
            coefficients[b, 0] = secret[b];
            for (var k = 1; k < threshold; k++) coefficients[b, k] = random[b * threshold + k];
        }
        var result = new List<ShamirShare>(shares);
        for (var i = 1; i <= shares; i++)
        {
            var y = new byte[secret.Length];
            for (var b = 0; b < secret.Length; b++)
            {
                byte acc = 0;
                for (var k = threshold - 1; k >= 0; k--) acc = (byte)(Multiply(acc, (byte)i) ^ coefficients[b, k]);
                y[b] = acc;
            }
            result.Add(new ShamirShare((byte)i, y));
        }
        CryptographicOperations.ZeroMemory(random);
        return result;
    }

    /// <summary>Recombines shares (at least the threshold; distinct points, equal lengths) by Lagrange interpolation at 0.</summary>
    public static byte[] Combine(IReadOnlyCollection<ShamirShare> shares)
    {
        if (shares.Count == 0) throw new ArgumentException("no shares");
        var list = shares.ToList();
        if (list.Select(s => s.X).Distinct().Count() != list.Count || list.Any(s => s.X == 0))
            throw new ArgumentException("shares must have distinct, non-zero points");
        var length = list[0].Y.Length;
        if (list.Any(s => s.Y.Length != length)) throw new ArgumentException("shares have different lengths");
        var secret = new byte[length];
        for (var i = 0; i < list.Count; i++)
        {
            // Lagrange basis at 0: Π x_j / (x_j - x_i); in GF(2^8) subtraction is xor.
            byte basis = 1;
            for (var j = 0; j < list.Count; j++)
                if (j != i) basis = Multiply(basis, Divide(list[j].X, (byte)(list[j].X ^ list[i].X)));
            for (var b = 0; b < length; b++) secret[b] ^= Multiply(list[i].Y[b], basis);
        }
        return secret;
    }

    private static byte Multiply(byte a, byte b) => a == 0 || b == 0 ? (byte)0 : Exp[Log[a] + Log[b]];

    private static byte Divide(byte a, byte b) => a == 0 ? (byte)0 : Exp[Log[a] + 255 - Log[b]];
}
