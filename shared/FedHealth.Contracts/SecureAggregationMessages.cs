namespace FedHealth.Contracts;

/// <summary>AES-256-GCM ciphertext sealed for one recipient's P-256 key (ECDH with an ephemeral key, then HKDF-SHA256).</summary>
public sealed record SealedPayload
{
    public required byte[] EphemeralPublicKey { get; init; }
    public required byte[] Nonce { get; init; }
    public required byte[] Ciphertext { get; init; }
    public required byte[] Tag { get; init; }
}

/// <summary>What a secure round needs beyond a plain one: the round's nonce (signed into every message, so nothing replays
/// across rounds or retries), the Shamir threshold, and the coordinator's public key that masked inputs are sealed for.</summary>
public sealed record SecureRoundSettings
{
    public required byte[] RoundNonce { get; init; }
    public required int Threshold { get; init; }
    public required byte[] CoordinatorKey { get; init; }
    /// <summary>The ring the inputs are summed in, Z(2^RingBits): 64 (the default) or 32 (half the bytes; see the job spec).</summary>
    public int RingBits { get; init; } = 64;
    /// <summary>Fixed-point fraction bits of each input in that ring (24 in the 64-bit ring, 12 in the 32-bit one).</summary>
    public int FractionBits { get; init; } = 24;
    /// <summary>
    /// Who masks with whom: "full" (every pair of sites, the default) or "sparse" (SecAgg+: each site with
    /// <see cref="Neighbours"/> sites of a random Harary graph drawn from job, round, nonce and <see cref="Roster"/>;
    /// <see cref="Threshold"/> then counts shares among a site and its neighbours). Absent in rounds journaled before
    /// sparse graphs existed, which were all full.
    /// </summary>
    public string Graph { get; init; } = "full";
    /// <summary>The sparse graph's degree k (even); 0 for the full graph.</summary>
    public int Neighbours { get; init; }
    /// <summary>The sparse graph's nodes: the round's participants, fixed before any key exists; null for the full graph.</summary>
    public IReadOnlyList<string>? Roster { get; init; }
}

/// <summary>What every round carries when the coordinator holds consortium keys: the round's random nonce and the key to seal for.</summary>
public sealed record RoundSealing
{
    public required byte[] RoundNonce { get; init; }
    public required byte[] CoordinatorKey { get; init; }
}

/// <summary>
/// A plain (unmasked) update in a job without secure aggregation: the <see cref="UpdateSubmitted"/> as JSON, sealed
/// for the coordinator and signed by the site, so only the coordinator reads it and nobody can forge or replay it.
/// </summary>
public sealed record SealedUpdateSubmitted : ISecureRoundMessage
{
    public required Guid JobId { get; init; }
    public required int Round { get; init; }
    public required byte[] RoundNonce { get; init; }
    public required string SiteId { get; init; }
    public required SealedPayload Box { get; init; }
    public required byte[] Signature { get; init; }
}

/// <summary>Marker for the signed messages of secure aggregation.</summary>
public interface ISecureRoundMessage : ISiteRoundMessage
{
    byte[] RoundNonce { get; }
    byte[] Signature { get; }
}

/// <summary>Step 1 (site): the site's two ephemeral P-256 keys for this round, one to receive shares, one to agree pairwise masks.</summary>
public sealed record MaskingKeysAdvertised : ISecureRoundMessage
{
    public required Guid JobId { get; init; }
    public required int Round { get; init; }
    public required byte[] RoundNonce { get; init; }
    public required string SiteId { get; init; }
    public required byte[] EncryptionKey { get; init; }
    public required byte[] MaskingKey { get; init; }
    /// <summary>
    /// In a sparse round, the digest of what the attempt opened with (job, round, nonce, degree, threshold, roster) as this
    /// site was shown it, signed with the keys; null in a full round.
    /// </summary>
    public byte[]? GraphDigest { get; init; }
    /// <summary>
    /// In a sparse round, SHA-256 over this site's fresh 32-byte graph seed (with job, round, nonce and site), revealed in
    /// <see cref="GraphSeedRevealed"/> once every advert is collected: the graph is drawn from all seeds, so no party, the
    /// coordinator included, can choose it. Null in a full round (and in adverts journaled before seeds existed).
    /// </summary>
    public byte[]? SeedCommitment { get; init; }
    public required byte[] Signature { get; init; }
}

/// <summary>Step 1 (coordinator): every advertised key set, for each site to check the signatures and agree pairwise.</summary>
public sealed record MaskingKeysCollected : IRoundMessage
{
    public required Guid JobId { get; init; }
    public required int Round { get; init; }
    /// <summary>The nonce of the round attempt this step belongs to, so a site drops a step redelivered from an earlier attempt.</summary>
    public byte[]? RoundNonce { get; init; }
    public required IReadOnlyList<MaskingKeysAdvertised> Adverts { get; init; }
}

/// <summary>
/// Step 1b (site, sparse graph only): the graph seed this site committed to in its advert, revealed after it saw every
/// advert (so every commitment was fixed before any seed was known).
/// </summary>
public sealed record GraphSeedRevealed : ISecureRoundMessage
{
    public required Guid JobId { get; init; }
    public required int Round { get; init; }
    public required byte[] RoundNonce { get; init; }
    public required string SiteId { get; init; }
    public required byte[] Seed { get; init; }
    public required byte[] Signature { get; init; }
}

/// <summary>
/// Step 1b (coordinator, sparse graph only): the signed seed of every site in <see cref="MaskingKeysCollected"/>, from
/// which every party draws the graph; a site refuses a set that misses one, adds one or does not match a commitment.
/// </summary>
public sealed record GraphSeedsRevealed : IRoundMessage
{
    public required Guid JobId { get; init; }
    public required int Round { get; init; }
    /// <summary>The nonce of the round attempt this step belongs to, so a site drops a step redelivered from an earlier attempt.</summary>
    public byte[]? RoundNonce { get; init; }
    public required IReadOnlyList<GraphSeedRevealed> Reveals { get; init; }
}

/// <summary>One Shamir share bundle, sealed by one site for another; the coordinator relays it without being able to read it.</summary>
public sealed record EncryptedShare
{
    public required string To { get; init; }
    public required SealedPayload Box { get; init; }
}

/// <summary>Step 2 (site): shares of the site's self-mask seed and masking key, one sealed bundle per other site.</summary>
public sealed record SharesSubmitted : ISecureRoundMessage
{
    public required Guid JobId { get; init; }
    public required int Round { get; init; }
    public required byte[] RoundNonce { get; init; }
    public required string SiteId { get; init; }
    public required IReadOnlyList<EncryptedShare> Shares { get; init; }
    /// <summary>
    /// In a sparse round, the digest of the graph this site drew from the revealed seeds (signed with the shares): its
    /// neighbours and the coordinator refuse bundles made for another graph; null in a full round.
    /// </summary>
    public byte[]? GraphDigest { get; init; }
    public required byte[] Signature { get; init; }
}

/// <summary>Step 2 (coordinator): every site's share bundles, and who shared (the sites whose masks the sum will carry).</summary>
public sealed record SharesRelayed : IRoundMessage
{
    public required Guid JobId { get; init; }
    public required int Round { get; init; }
    /// <summary>The nonce of the round attempt this step belongs to, so a site drops a step redelivered from an earlier attempt.</summary>
    public byte[]? RoundNonce { get; init; }
    public required IReadOnlyList<SharesSubmitted> Bundles { get; init; }
}

/// <summary>Step 3 (site): the masked, fixed-point update (weighted weights and the sample count), sealed for the coordinator.</summary>
public sealed record MaskedUpdateSubmitted : ISecureRoundMessage
{
    public required Guid JobId { get; init; }
    public required int Round { get; init; }
    public required byte[] RoundNonce { get; init; }
    public required string SiteId { get; init; }
    public required SealedPayload Box { get; init; }
    public required double TrainLoss { get; init; }
    public required string Device { get; init; }
    public PrivacySpent? Privacy { get; init; }
    public required byte[] Signature { get; init; }
}

/// <summary>Step 4 (coordinator): whose masked updates arrived (their self-masks are to be removed) and who dropped after sharing.</summary>
public sealed record UnmaskingRequested : IRoundMessage
{
    public required Guid JobId { get; init; }
    public required int Round { get; init; }
    /// <summary>The nonce of the round attempt this step belongs to, so a site drops a step redelivered from an earlier attempt.</summary>
    public byte[]? RoundNonce { get; init; }
    public required IReadOnlyList<string> Survivors { get; init; }
    public required IReadOnlyList<string> Dropped { get; init; }
}

/// <summary>Step 4 (site): its shares of the survivors' self-mask seeds and of the dropped sites' masking keys, sealed for the coordinator.</summary>
public sealed record UnmaskingSharesSubmitted : ISecureRoundMessage
{
    public required Guid JobId { get; init; }
    public required int Round { get; init; }
    public required byte[] RoundNonce { get; init; }
    public required string SiteId { get; init; }
    public required SealedPayload Box { get; init; }
    public required byte[] Signature { get; init; }
}
