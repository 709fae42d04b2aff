using System.Security.Cryptography;
using System.Text;
using FedHealth.Contracts;
using FedHealth.Governance;

namespace FedHealth.Tests.Governance;

/// <summary>The model's digest on ledger entries: covered by the hash when present, and entries written before it hash as they always did.</summary>
public sealed class LedgerModelDigestTests
{
    private static TransferRecord Entry(string? digest) => new()
    {
        Index = 0, At = DateTimeOffset.FromUnixTimeMilliseconds(1_764_000_000_000), JobId = Guid.Parse("7d8f3c4e-0a57-4c55-9f5e-0d2c1b8a9e61"), Round = 2,
        Sender = "DE-GBSG", SenderJurisdiction = "DE", Receiver = "coordinator", ReceiverJurisdiction = "NL", DataKind = DataKinds.MaskedModelUpdate,
        Bytes = 1234, PayloadSha256 = new string('a', 64), LegalBasis = "sameRegime", Decision = "allowed", PreviousHash = "", ModelDigest = digest,
    };

    [Fact]
    public void An_entry_without_a_digest_hashes_exactly_as_before_digests_and_one_with_a_digest_covers_it()
    {
        var old = Entry(null).ChainedAfter(null);
        // The canonical form entries have always been hashed by: every field but the hash, unit-separated, in a fixed order.
        var canonical = string.Join("\u001f", 1, 1_764_000_000_000, old.JobId, 2, "DE-GBSG", "DE", "coordinator", "NL", "maskedModelUpdate", 1234,
            new string('a', 64), "sameRegime", "allowed", TransferChain.Genesis);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonical))), old.Hash);

        var digest = "sha256:" + new string('b', 64);
        var withDigest = Entry(digest).ChainedAfter(null);
        Assert.NotEqual(old.Hash, withDigest.Hash);
        var next = Entry(digest).ChainedAfter(withDigest);
        Assert.True(ChainVerification.Verify([new StoredTransfer(1, withDigest), new StoredTransfer(2, next)]).Intact);
        // Claiming another model for an entry after the fact breaks the chain.
        var altered = withDigest with { ModelDigest = "sha256:" + new string('c', 64) };
        Assert.False(ChainVerification.Verify([new StoredTransfer(1, altered), new StoredTransfer(2, next)]).Intact);
    }
}
