using Akka.Actor;
using FedHealth.Contracts;
using FedHealth.Coordinator.Jobs;
using FedHealth.Governance;

namespace FedHealth.Coordinator.Ledger;

/// <summary>Where the coordinator stands for the ledger: its ledger actor, its jurisdiction, its legal basis for sending abroad.</summary>
public sealed record GovernanceContext(IActorRef Ledger, string Jurisdiction, string OutboundLegalBasis, string Consortium);

/// <summary>
/// Turns a job's traffic into ledger entries: every message between the coordinator and a site in another
/// jurisdiction, both ways, with its kind, size and SHA-256, the legal basis, and whether it was let through.
/// </summary>
public sealed class TransferRecorder(GovernanceContext? context, TimeProvider clock)
{
    public void Inbound(JobState job, object message, string siteId, int round, string dataKind, string? refusal, IActorRef replyTo)
    {
        if (context is null || job.Governance is not { } g) return;
        var from = g.SiteJurisdictions.GetValueOrDefault(siteId, "unknown");
        if (from == context.Jurisdiction) return;
        var (bytes, sha) = PayloadDigest.Of(message);
        Record(job, round, siteId, from, "coordinator", context.Jurisdiction, dataKind, bytes, sha,
            g.InboundLegalBases.GetValueOrDefault(siteId, "undeclared"), refusal is null ? TransferDecisions.Allowed
                : TransferDecisions.RefusedByCoordinator(refusal), replyTo);
    }

    public void RefusedBySite(JobState job, RoundDeclined declined, IActorRef replyTo)
    {
        if (context is null || job.Governance is not { } g || declined.RefusedTransfer is not { } r) return;
        var from = g.SiteJurisdictions.GetValueOrDefault(declined.SiteId, "unknown");
        if (from == r.DestinationJurisdiction) return;
        Record(job, declined.Round, declined.SiteId, from, r.Destination, r.DestinationJurisdiction, r.DataKind, 0, "", "none",
            TransferDecisions.RefusedBySitePolicy(r.Reason), replyTo);
    }

    public void Outbound(JobState job, object message, string dataKind, IActorRef replyTo)
    {
        if (context is null || job.Governance is not { } g) return;
        (long Bytes, string Sha256)? measured = null;
        foreach (var site in job.Participants)
        {
            var to = g.SiteJurisdictions.GetValueOrDefault(site, "unknown");
            if (to == context.Jurisdiction) continue;
            measured ??= PayloadDigest.Of(message);
            var basis = Regime(to) == Regime(context.Jurisdiction) ? "sameRegime" : context.OutboundLegalBasis;
            Record(job, RoundOf(message, job), "coordinator", context.Jurisdiction, site, to, dataKind, measured.Value.Bytes, measured.Value.Sha256, basis,
                TransferDecisions.Allowed, replyTo);
        }
    }

    private void Record(JobState job, int round, string sender, string senderJurisdiction, string receiver, string receiverJurisdiction,
        string kind, long bytes, string sha, string basis, string decision, IActorRef replyTo) =>
        context!.Ledger.Tell(new TransferLedger.Record(new TransferRecord
        {
            Index = 0, At = clock.GetUtcNow(), JobId = job.JobId, Round = round, Sender = sender, SenderJurisdiction = senderJurisdiction,
            Receiver = receiver, ReceiverJurisdiction = receiverJurisdiction, DataKind = kind, Bytes = bytes, PayloadSha256 = sha,
            LegalBasis = basis, Decision = decision, PreviousHash = "", ModelDigest = job.ModelDigest,
        }), replyTo);


    private static int RoundOf(object message, JobState job) => message is IRoundMessage r ? r.Round : job.Round;

    private static string Regime(string code) => Jurisdictions.IsKnown(code) ? Jurisdictions.RegimeOf(code) : code;
}
