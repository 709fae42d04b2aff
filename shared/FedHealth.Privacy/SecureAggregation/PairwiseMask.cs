using FedHealth.Privacy.Crypto;
using System.Security.Cryptography;

namespace FedHealth.Privacy.SecureAggregation;

/// <summary>
/// The mask two sites share: seeded by ECDH of one's masking key with the other's, bound to job, round and nonce.
/// The site whose id sorts first adds it and the other subtracts it, so the pair's masks cancel in the sum.
/// </summary>
public static class PairwiseMask
{
    public static byte[] Seed(ECDiffieHellman mine, byte[] theirPublicKey, Guid job, int round, byte[] nonce, string a, string b)
    {
        var (first, second) = string.CompareOrdinal(a, b) < 0 ? (a, b) : (b, a);
        return KeyAgreement.Derive(mine, theirPublicKey, $"fedhealth pairwise mask/{job}/{round}/{Convert.ToHexString(nonce)}/{first}/{second}");
    }

    /// <summary>True when <paramref name="self"/> adds the pair's mask (its id sorts before the other's).</summary>
    public static bool Adds(string self, string other) => string.CompareOrdinal(self, other) < 0;
}
