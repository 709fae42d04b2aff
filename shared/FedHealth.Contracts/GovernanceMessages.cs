namespace FedHealth.Contracts;

/// <summary>A destination a site's policy allows, with the legal basis it records for transfers there.</summary>
public sealed record PolicyDestination
{
    public required string Jurisdiction { get; init; }
    public required string LegalBasis { get; init; }
}

/// <summary>What a site's own policy allows, as it tells the consortium (the hospital's file stays at the hospital).</summary>
public sealed record PolicySummary
{
    public required IReadOnlyList<PolicyDestination> Destinations { get; init; }
    public required IReadOnlyList<string> DataKinds { get; init; }
    public required IReadOnlyList<string> Consortia { get; init; }
}

/// <summary>A transfer a site's policy refused: what it would have sent, to where, and why. Metadata only, no payload.</summary>
public sealed record RefusedTransfer
{
    public required string DataKind { get; init; }
    public required string Destination { get; init; }
    public required string DestinationJurisdiction { get; init; }
    public required string Reason { get; init; }
}

/// <summary>Where a job's parties are: the coordinator's jurisdiction and each participant's, and the consortium running it.</summary>
public sealed record JobGovernance
{
    public required string Consortium { get; init; }
    public required string CoordinatorJurisdiction { get; init; }
    public required IReadOnlyDictionary<string, string> SiteJurisdictions { get; init; }
    /// <summary>The legal basis each site declared for sending to the coordinator's jurisdiction.</summary>
    public required IReadOnlyDictionary<string, string> InboundLegalBases { get; init; }
}

/// <summary>A request for transfer-ledger entries, filtered (answered with <see cref="TransferLedgerPage"/>).</summary>
public sealed record GetTransferLedger
{
    public Guid? JobId { get; init; }
    public string? SiteId { get; init; }
    public string? Jurisdiction { get; init; }
    public DateTimeOffset? From { get; init; }
    public DateTimeOffset? To { get; init; }
    public int Limit { get; init; } = 1000;
}

/// <summary>Ledger entries matching a query, newest last, with the chain's head (for sites to anchor and compare).</summary>
public sealed record TransferLedgerPage
{
    public required IReadOnlyList<TransferRecord> Entries { get; init; }
    public required long Total { get; init; }
    public required string? Head { get; init; }
}
