using System.Security.Cryptography;
using System.Text;
using FedHealth.Contracts;

namespace FedHealth.Governance;

/// <summary>How ledger entries are hashed and linked: each entry's hash covers all its fields and the previous hash.</summary>
public static class TransferChain
{
    public const string Genesis = "0000000000000000000000000000000000000000000000000000000000000000";

    /// <summary>SHA-256 over every field but the hash, in a fixed order and unambiguous encoding (the model digest last, when set).</summary>
    public static string ComputeHash(this TransferRecord r)
    {
        var canonical = string.Join("\u001f", r.Index, r.At.ToUnixTimeMilliseconds(), r.JobId, r.Round, r.Sender, r.SenderJurisdiction, r.Receiver,
            r.ReceiverJurisdiction, r.DataKind, r.Bytes, r.PayloadSha256, r.LegalBasis, r.Decision, r.PreviousHash);
        // The model's digest is covered when the entry has one; an entry without one hashes exactly as before digests existed.
        if (r.ModelDigest is { } digest) canonical += "\u001f" + digest;
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonical)));
    }

    /// <summary>The entry appended after <paramref name="previous"/> (or first): index, previous hash and own hash filled in.</summary>
    public static TransferRecord ChainedAfter(this TransferRecord r, TransferRecord? previous)
    {
        var linked = r with
        {
            Index = (previous?.Index ?? 0) + 1,
            PreviousHash = previous?.Hash ?? Genesis,
            At = DateTimeOffset.FromUnixTimeMilliseconds(r.At.ToUnixTimeMilliseconds()),
        };
        return linked with { Hash = linked.ComputeHash() };
    }
}
