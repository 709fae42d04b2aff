namespace FedHealth.Contracts;

/// <summary>
/// A transfer the coordinator's ledger has just journaled, for live views; published only once the entry is stored.
/// Delivery is best effort (a retried publish may arrive twice, a long broker outage may lose one; the journal stays
/// the record), so a view orders by <see cref="TransferRecord.Index"/>, ignores an index it already has, and fetches a
/// <see cref="TransferLedgerPage"/> when it sees a gap.
/// </summary>
public sealed record TransferAppended : ICoordinatorMessage
{
    public required TransferRecord Record { get; init; }
}
