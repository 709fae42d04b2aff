using FedHealth.Contracts;

namespace FedHealth.Governance;

/// <summary>
/// Which ledger entries a <see cref="GetTransferLedger"/> selects, and which queries are refused. The ledger actor
/// (for the dashboard) and `fedhealth ledger export` both go through here, so they select the same entries.
/// </summary>
public static class LedgerQuery
{
    public const int MaxLimit = 100_000;

    /// <summary>The first invalid filter value, named by its wire (camelCase) field; null when the query may run.</summary>
    public static TransferLedgerRefused? Problem(this GetTransferLedger q)
    {
        if (q.Limit is < 1 or > MaxLimit) return Refused("limit", $"limit must be between 1 and {MaxLimit}, not {q.Limit}");
        if (q.From > q.To) return Refused("from", $"from ({q.From:O}) is after to ({q.To:O}): no transfer can match");
        if (q.Decision is { } d && !TransferDecisions.Categories.Contains(d))
            return Refused("decision", $"decision must be \"{TransferDecisions.Allowed}\" or \"{TransferDecisions.Refused}\", not \"{d}\"");
        // An empty text filter could only ever match nothing: a view sending one has lost the value it meant.
        foreach (var (field, value) in TextFilters(q))
            if (value is not null && string.IsNullOrWhiteSpace(value)) return Refused(field, $"{field} is empty: leave it out to match any");
        return null;
    }

    public static bool Matches(this GetTransferLedger q, TransferRecord e) =>
        (q.JobId is not { } job || e.JobId == job) &&
        (q.SiteId is not { } site || e.Sender == site || e.Receiver == site) &&
        (q.Jurisdiction is not { } either || e.SenderJurisdiction == either || e.ReceiverJurisdiction == either) &&
        (q.SenderJurisdiction is not { } from || e.SenderJurisdiction == from) &&
        (q.ReceiverJurisdiction is not { } to || e.ReceiverJurisdiction == to) &&
        (q.DataKind is not { } kind || e.DataKind == kind) &&
        (q.Decision is not { } decision || TransferDecisions.CategoryOf(e.Decision) == decision) &&
        (q.From is not { } after || e.At >= after) &&
        (q.To is not { } before || e.At <= before);

    /// <summary>The answer to <paramref name="q"/> over the whole ledger (oldest first): a refusal, or the newest matching entries.</summary>
    public static object Answer(this GetTransferLedger q, IReadOnlyList<TransferRecord> ledger, TransferLedgerFacets facets)
    {
        if (q.Problem() is { } refused) return refused;
        var matching = ledger.Where(q.Matches).ToList();
        return new TransferLedgerPage
        {
            Entries = matching.TakeLast(q.Limit).ToList(), Total = matching.Count,
            Head = ledger.LastOrDefault()?.Hash, Facets = facets
        };
    }

    private static IEnumerable<(string Field, string? Value)> TextFilters(GetTransferLedger q) =>
    [
        ("siteId", q.SiteId), ("jurisdiction", q.Jurisdiction), ("senderJurisdiction", q.SenderJurisdiction),
        ("receiverJurisdiction", q.ReceiverJurisdiction), ("dataKind", q.DataKind),
    ];

    private static TransferLedgerRefused Refused(string field, string reason) => new() { Field = field, Reason = reason };
}
