namespace FedHealth.Contracts;

/// <summary>
/// Asks the coordinator to verify the transfer ledger as its journal database stores it, exactly as
/// `fedhealth ledger verify` does; answered with <see cref="TransferLedgerVerification"/>.
/// </summary>
public sealed record VerifyTransferLedger : IDashboardRequest
{
    /// <summary>A head hash a site was shown: the chain must still contain it, or entries were rewritten or removed after it.</summary>
    public string? Head { get; init; }
}

/// <summary>What verifying the stored ledger found.</summary>
public sealed record TransferLedgerVerification : ICoordinatorMessage
{
    /// <summary>True when every entry matches its hash, the chain is unbroken, and the head asked about (if any) is in it.</summary>
    public required bool Intact { get; init; }
    /// <summary>In words: the chain's length and head, or the first break and how, or why the database could not be read.</summary>
    public required string Message { get; init; }
    /// <summary>Entries read from the journal.</summary>
    public required long Entries { get; init; }
    /// <summary>The head of the stored chain, when the chain itself is unbroken and not empty (also when the head asked about is missing from it).</summary>
    public required string? Head { get; init; }
    public required DateTimeOffset CheckedAt { get; init; }
    /// <summary>False when the database could not be read: nothing was verified, and <see cref="Intact"/> is false.</summary>
    public required bool Readable { get; init; }
    /// <summary>The journal sequence number of the first broken entry, when the break is at one.</summary>
    public long? FirstBadSequence { get; init; }
}
