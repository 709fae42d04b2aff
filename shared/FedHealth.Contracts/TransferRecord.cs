namespace FedHealth.Contracts;

/// <summary>
/// One transfer across a border, as the ledger keeps it: what moved (kind, size, SHA-256 of the payload), between
/// whom and which jurisdictions, for which job and round, on which legal basis, whether it was allowed, and the
/// hash of the entry before it. Its hash covers every other field, so any change breaks the chain (FedHealth.Governance.TransferChain).
/// </summary>
public sealed record TransferRecord
{
    public required long Index { get; init; }
    public required DateTimeOffset At { get; init; }
    public required Guid JobId { get; init; }
    public required int Round { get; init; }
    public required string Sender { get; init; }
    public required string SenderJurisdiction { get; init; }
    public required string Receiver { get; init; }
    public required string ReceiverJurisdiction { get; init; }
    public required string DataKind { get; init; }
    public required long Bytes { get; init; }
    public required string PayloadSha256 { get; init; }
    public required string LegalBasis { get; init; }
    public required string Decision { get; init; }
    public required string PreviousHash { get; init; }
    public string Hash { get; init; } = "";
    /// <summary>The digest of the job's model (what each hospital approved), on every entry of a job that trains one; null otherwise and on entries written
    /// before digests.</summary>
    public string? ModelDigest { get; init; }

    public bool Allowed => Decision == "allowed";
}
