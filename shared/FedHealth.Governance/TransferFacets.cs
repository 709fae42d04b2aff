using FedHealth.Contracts;

namespace FedHealth.Governance;

/// <summary>
/// The distinct values of the ledger so far, kept as entries arrive so a query need not scan the ledger for them;
/// the snapshot is rebuilt only after an entry brought something new.
/// </summary>
public sealed class TransferFacets
{
    private readonly List<Guid> jobs = new();
    private readonly HashSet<Guid> seenJobs = new();
    private readonly SortedSet<string> sites = new(StringComparer.Ordinal);
    private readonly SortedSet<string> jurisdictions = new(StringComparer.Ordinal);
    private readonly SortedSet<string> dataKinds = new(StringComparer.Ordinal);
    private readonly SortedSet<string> decisions = new(StringComparer.Ordinal);
    private TransferLedgerFacets? current;

    public void Add(TransferRecord e)
    {
        var newJob = seenJobs.Add(e.JobId);
        if (newJob) jobs.Add(e.JobId);
        // Non-short-circuit |: every set must see the entry.
        if (newJob | sites.Add(e.Sender) | sites.Add(e.Receiver) | jurisdictions.Add(e.SenderJurisdiction) | jurisdictions.Add(e.ReceiverJurisdiction)
            | dataKinds.Add(e.DataKind) | decisions.Add(TransferDecisions.CategoryOf(e.Decision)))
            current = null;
    }

    public TransferLedgerFacets Current => current ??= new TransferLedgerFacets
    {
        Jobs = [.. jobs], Sites = [.. sites], Jurisdictions = [.. jurisdictions], DataKinds = [.. dataKinds], Decisions = [.. decisions],
    };
}
