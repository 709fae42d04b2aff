using FedHealth.Contracts;

namespace FedHealth.Governance;

/// <summary>The ledger as it sits in the database: each stored entry with the journal's own sequence number.</summary>
public sealed record StoredTransfer(long SequenceNumber, TransferRecord Record);

/// <summary>What verifying the chain found: intact, or the first entry where it breaks and how.</summary>
public sealed record ChainReport(bool Intact, long Entries, string Message, long? FirstBadSequence = null)
{
    public string? Head { get; init; }
}

/// <summary>
/// Recomputes the hash chain from stored entries. An edited entry no longer matches its own hash; a deleted,
/// inserted or reordered entry breaks the index sequence or the link to the entry before it. Reports the first break.
/// </summary>
public static class ChainVerification
{
    /// <summary>
    /// Verifies the chain and, given the head a site was shown, that the chain still holds it: a tail rewritten or
    /// removed after that head leaves an intact but different chain, which only the site's anchor reveals.
    /// </summary>
    public static ChainReport Verify(IReadOnlyList<StoredTransfer> stored, string? anchor)
    {
        var report = Verify(stored);
        if (!report.Intact || anchor is null || stored.Any(s => s.Record.Hash == anchor)) return report;
        return report with
        {
            Intact = false,
            Message = $"head {anchor} that a site was shown is not in the chain (entries were rewritten or removed after it)"
        };
    }

    public static ChainReport Verify(IReadOnlyList<StoredTransfer> stored)
    {
        string previousHash = TransferChain.Genesis;
        long expectedIndex = 1;
        foreach (var (sequence, record) in stored)
        {
            if (record.ComputeHash() != record.Hash)
                return new ChainReport(false, stored.Count,
                    $"entry {record.Index} (journal sequence {sequence}) was altered: its content no longer matches its hash", sequence);
            if (record.Index != expectedIndex)
                return new ChainReport(false, stored.Count, record.Index > expectedIndex
                    ? $"entry {expectedIndex} is missing before entry {record.Index} (journal sequence {sequence}): deleted"
                    : $"entry {record.Index} appears again or out of order at journal sequence {sequence} (expected entry {expectedIndex}): inserted or " +
                        "reordered", sequence);
            if (record.PreviousHash != previousHash)
                return new ChainReport(false, stored.Count, $"entry {record.Index} (journal sequence {sequence}) does not follow the entry before it: an " +
                    "entry was inserted, deleted or replaced before it", sequence);
            previousHash = record.Hash;
            expectedIndex++;
        }
        return new ChainReport(true, stored.Count, stored.Count == 0 ? "the ledger is empty"
            : $"the chain of {stored.Count} entries is intact; head {previousHash}")
        {
            Head = stored.Count == 0 ? null : previousHash,
        };
    }
}
