namespace FedHealth.Contracts;

/// <summary>
/// A request for transfer-ledger entries, answered with <see cref="TransferLedgerPage"/>, or with
/// <see cref="TransferLedgerRefused"/> when a filter value is invalid. Every filter is optional, text filters match
/// exactly, and given filters must all hold. The rule lives in FedHealth.Governance.LedgerQuery, which
/// `fedhealth ledger export` applies too, so the dashboard and the CLI select the same entries.
/// </summary>
public sealed record GetTransferLedger : IDashboardRequest
{
    /// <summary>Only this job's transfers.</summary>
    public Guid? JobId { get; init; }
    /// <summary>Only transfers this site sent or received ("coordinator" is the coordinator's side).</summary>
    public string? SiteId { get; init; }
    /// <summary>Only transfers from or to this jurisdiction (either side).</summary>
    public string? Jurisdiction { get; init; }
    /// <summary>Only transfers sent from this jurisdiction.</summary>
    public string? SenderJurisdiction { get; init; }
    /// <summary>Only transfers sent to this jurisdiction.</summary>
    public string? ReceiverJurisdiction { get; init; }
    /// <summary>Only transfers of this data kind (maskedModelUpdate, modelUpdate, aggregateMetrics, keyExchange, globalModel).</summary>
    public string? DataKind { get; init; }
    /// <summary>"allowed", or "refused" (by the coordinator or by a site's policy); anything else is refused.</summary>
    public string? Decision { get; init; }
    /// <summary>Only transfers at or after this time.</summary>
    public DateTimeOffset? From { get; init; }
    /// <summary>Only transfers at or before this time; not before <see cref="From"/>.</summary>
    public DateTimeOffset? To { get; init; }
    /// <summary>At most this many matching entries, the newest (1 to 100 000).</summary>
    public int Limit { get; init; } = 1000;
}

/// <summary>
/// Ledger entries matching a query, newest last, with how many matched in all, the chain's head (for sites to
/// anchor and compare) and the choices the whole ledger offers for each filter.
/// </summary>
public sealed record TransferLedgerPage : ICoordinatorMessage
{
    public required IReadOnlyList<TransferRecord> Entries { get; init; }
    public required long Total { get; init; }
    public required string? Head { get; init; }
    public required TransferLedgerFacets Facets { get; init; }
}

/// <summary>
/// The distinct values present in the whole ledger, unfiltered, so a view can offer them as filter choices: jobs in
/// the order they first appear, the rest sorted. Sites are senders and receivers (the coordinator included);
/// decisions are the categories the Decision filter takes ("allowed", "refused").
/// </summary>
public sealed record TransferLedgerFacets
{
    public required IReadOnlyList<Guid> Jobs { get; init; }
    public required IReadOnlyList<string> Sites { get; init; }
    public required IReadOnlyList<string> Jurisdictions { get; init; }
    public required IReadOnlyList<string> DataKinds { get; init; }
    public required IReadOnlyList<string> Decisions { get; init; }
}

/// <summary>A ledger query that was not run because a filter value is invalid: which field (camelCase, as on the wire) and why.</summary>
public sealed record TransferLedgerRefused : ICoordinatorMessage
{
    /// <summary>The field at fault, or null when the refusal is not about one field.</summary>
    public string? Field { get; init; }
    public required string Reason { get; init; }
}
