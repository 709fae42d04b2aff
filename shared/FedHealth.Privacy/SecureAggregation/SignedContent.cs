using System.Security.Cryptography;
using System.Text;
using FedHealth.Contracts;

namespace FedHealth.Privacy.SecureAggregation;

/// <summary>
/// The exact bytes a site signs for each secure-aggregation message: a digest over the message kind, job, round,
/// round nonce, sender and every field that carries meaning, so any change, or a copy into another round, breaks
/// the signature.
/// </summary>
public static class SignedContent
{
    public static byte[] Of(ISecureRoundMessage message)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        void Bytes(byte[]? b) { hash.AppendData(BitConverter.GetBytes(b?.Length ?? -1)); if (b is not null) hash.AppendData(b); }
        void Text(string? s) => Bytes(s is null ? null : Encoding.UTF8.GetBytes(s));
        // A sealed box is bound by its ephemeral key, nonce, length and GCM tag: the tag authenticates every
        // ciphertext byte under a key only the sender and the recipient can derive, so signing it binds the sender
        // to the exact ciphertext without hashing megabytes twice.
        void Box(SealedPayload p)
        {
            Bytes(p.EphemeralPublicKey); Bytes(p.Nonce); hash.AppendData(
            BitConverter.GetBytes(p.Ciphertext?.Length ?? -1)); Bytes(p.Tag);
        }
        Text(message.GetType().Name);
        Bytes(message.JobId.ToByteArray());
        hash.AppendData(BitConverter.GetBytes(message.Round));
        Bytes(message.RoundNonce);
        Text(message.SiteId);
        switch (message)
        {
            case MaskingKeysAdvertised a:
                Bytes(a.EncryptionKey);
                Bytes(a.MaskingKey);
                // Only where present, so the adverts of full rounds (and every journaled before sparse graphs) sign as before.
                if (a.GraphDigest is { } digest) Bytes(digest);
                if (a.SeedCommitment is { } commitment) { Text("seed commitment"); Bytes(commitment); }
                break;
            case GraphSeedRevealed g:
                Bytes(g.Seed);
                break;
            case SharesSubmitted s:
                foreach (var share in s.Shares) { Text(share.To); Box(share.Box); }
                // Only where present, so full rounds' bundles (and every journaled before seeds) sign as before.
                if (s.GraphDigest is { } graph) { Text("graph"); Bytes(graph); }
                break;
            case MaskedUpdateSubmitted m:
                Box(m.Box);
                hash.AppendData(BitConverter.GetBytes(m.TrainLoss));
                Text(m.Device);
                if (m.Privacy is { } p)
                {
                    Text(p.SiteId); hash.AppendData(BitConverter.GetBytes(p.Epsilon)); hash.AppendData(
                    BitConverter.GetBytes(p.Delta)); hash.AppendData(BitConverter.GetBytes(p.Budget));
                }
                break;
            case UnmaskingSharesSubmitted u:
                Box(u.Box);
                break;
            case SealedUpdateSubmitted s:
                Box(s.Box);
                break;
        }
        return hash.GetHashAndReset();
    }

    /// <summary>Associated data binding a sealed payload to its purpose, job, round, nonce and parties.</summary>
    public static byte[] Context(string purpose, Guid job, int round, byte[] nonce, params string[] parties) =>
        Encoding.UTF8.GetBytes($"fedhealth/{purpose}/{job}/{round}/{Convert.ToHexString(nonce)}/{string.Join("/", parties)}");
}
