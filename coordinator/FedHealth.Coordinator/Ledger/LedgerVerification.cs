using System.Data.Common;
using FedHealth.Contracts;
using FedHealth.Governance;

namespace FedHealth.Coordinator.Ledger;

/// <summary>
/// The one verification of the stored ledger, for `fedhealth ledger verify` and for the coordinator's answer to
/// <see cref="VerifyTransferLedger"/>: read the rows from the journal's database, recompute the chain, check the
/// head a site kept. A row that is not a transfer record is tampering (broken); a database that cannot be read is
/// a different answer (<see cref="TransferLedgerVerification.Readable"/> false), never an exception.
/// </summary>
public static class LedgerVerification
{
    public static TransferLedgerVerification Run(string provider, string connectionString, string? head, DateTimeOffset checkedAt)
    {
        IReadOnlyList<StoredTransfer> stored;
        try { stored = LedgerStore.Read(provider, connectionString); }
        catch (InvalidDataException e) { return Result(new ChainReport(false, 0, e.Message), readable: true, checkedAt); }
        catch (Exception e) when (e is DbException or IOException or ArgumentException or TimeoutException or InvalidOperationException)
        {
            return Result(new ChainReport(false, 0, $"could not read the ledger: {e.Message}"), readable: false, checkedAt);
        }
        return Result(ChainVerification.Verify(stored, head), readable: true, checkedAt);
    }

    private static TransferLedgerVerification Result(ChainReport report, bool readable, DateTimeOffset checkedAt) => new()
    {
        Intact = report.Intact, Message = report.Message, Entries = report.Entries, Head = report.Head, CheckedAt = checkedAt,
        Readable = readable, FirstBadSequence = report.FirstBadSequence,
    };
}
