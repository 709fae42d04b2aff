using Akka.Actor;
using Akka.Persistence;
using FedHealth.Contracts;
using FedHealth.Coordinator.Jobs;
using FedHealth.Governance;

namespace FedHealth.Coordinator.Ledger;

/// <summary>The ledger's journal entry: one chained transfer record.</summary>
public sealed record TransferRecorded(TransferRecord Record) : IJobEvent;

/// <summary>
/// The cross-border transfer ledger: appends each transfer as a hash-chained record through the event journal
/// (SQLite or PostgreSQL), and answers queries from the entries it recovered from that journal, so a restart
/// shows the same ledger.
/// </summary>
public sealed class TransferLedger : ReceivePersistentActor
{
    /// <summary>Appends a transfer; index, previous hash and hash are filled in here.</summary>
    public sealed record Record(TransferRecord Draft) : Hosting.ICrossNodeMessage;

    /// <summary>Asks for the chain's head hash (answered with a string, or null while empty).</summary>
    public sealed record GetHead : Hosting.ICrossNodeMessage;

    private readonly List<TransferRecord> entries = new();

    public static Props Props() => Akka.Actor.Props.Create(() => new TransferLedger());

    public const string Id = "transfer-ledger";
    public override string PersistenceId => Id;

    public TransferLedger()
    {
        Recover<TransferRecorded>(r => entries.Add(r.Record));
        Command<Record>(r => Persist(new TransferRecorded(r.Draft.ChainedAfter(entries.LastOrDefault())), e => entries.Add(e.Record)));
        Command<GetHead>(_ => Sender.Tell(new Head(entries.LastOrDefault()?.Hash)));
        Command<GetTransferLedger>(q =>
        {
            var matching = entries.Where(e =>
                (q.JobId is null || e.JobId == q.JobId) &&
                (q.SiteId is null || e.Sender == q.SiteId || e.Receiver == q.SiteId) &&
                (q.Jurisdiction is null || e.SenderJurisdiction == q.Jurisdiction || e.ReceiverJurisdiction == q.Jurisdiction) &&
                (q.From is null || e.At >= q.From) && (q.To is null || e.At <= q.To)).ToList();
            Sender.Tell(new TransferLedgerPage
            {
                Entries = matching.TakeLast(Math.Clamp(q.Limit, 1, 100_000)).ToList(), Total = matching.Count, Head = entries.LastOrDefault()?.Hash,
            });
        });
    }

    /// <summary>The head hash (null while the ledger is empty).</summary>
    public sealed record Head(string? Hash) : Hosting.ICrossNodeMessage;
}
