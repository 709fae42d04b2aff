using Akka.Actor;
using Akka.Event;
using Akka.Persistence;
using FedHealth.Contracts;
using FedHealth.Coordinator.Bus;
using FedHealth.Coordinator.Jobs;
using FedHealth.Governance;

namespace FedHealth.Coordinator.Ledger;

/// <summary>The ledger's journal entry: one chained transfer record.</summary>
public sealed record TransferRecorded(TransferRecord Record) : IJobEvent;

/// <summary>
/// The cross-border transfer ledger: appends each transfer as a hash-chained record through the event journal
/// (SQLite or PostgreSQL), announces it on the bus once stored, and answers queries from the entries it recovered
/// from that journal, so a restart shows the same ledger. Which entries a query selects is <see cref="LedgerQuery"/>'s rule.
/// </summary>
public sealed class TransferLedger : ReceivePersistentActor
{
    /// <summary>Appends a transfer; index, previous hash and hash are filled in here.</summary>
    public sealed record Record(TransferRecord Draft) : Hosting.ICrossNodeMessage;

    /// <summary>Asks for the chain's head hash (answered with a string, or null while empty).</summary>
    public sealed record GetHead : Hosting.ICrossNodeMessage;

    private sealed record AnnounceFailed(long Index, Exception Error);

    private readonly List<TransferRecord> entries = new();
    private readonly TransferFacets facets = new();
    private readonly ILoggingAdapter log = Context.GetLogger();

    public static Props Props(IFederationPublisher publisher) => Akka.Actor.Props.Create(() => new TransferLedger(publisher));

    public const string Id = "transfer-ledger";
    public override string PersistenceId => Id;

    public TransferLedger(IFederationPublisher publisher)
    {
        Recover<TransferRecorded>(r => Append(r.Record));
        Command<Record>(r => Persist(new TransferRecorded(r.Draft.ChainedAfter(entries.LastOrDefault())), e =>
        {
            Append(e.Record);
            // Announced only from here, once the journal holds it: a live view never shows a transfer the ledger could lose.
            publisher.Publish(new TransferAppended { Record = e.Record }).PipeTo(Self, failure: ex => new AnnounceFailed(e.Record.Index, ex));
        }));
        Command<AnnounceFailed>(f => log.Warning("ledger entry {0} is stored but its TransferAppended was not published: {1}", f.Index, f.Error.Message));
        Command<GetHead>(_ => Sender.Tell(new Head(entries.LastOrDefault()?.Hash)));
        Command<GetTransferLedger>(q => Sender.Tell(q.Answer(entries, facets.Current)));
    }

    private void Append(TransferRecord record)
    {
        entries.Add(record);
        facets.Add(record);
    }

    /// <summary>The head hash (null while the ledger is empty).</summary>
    public sealed record Head(string? Hash) : Hosting.ICrossNodeMessage;
}
