using FedHealth.Contracts;
using FedHealth.Governance;
using FedHealth.Learning.Metrics;
using FedHealth.Learning.Models.Architectures;
using Microsoft.Extensions.Logging;

namespace FedHealth.SiteAgent;

/// <summary>
/// The site's policy applied to every message it sends: what kind of data it is, where it goes (the coordinator,
/// and for key shares the peers they are for), and whether the hospital's policy allows that transfer. A refused
/// transfer is not sent; the site logs it, writes it to its audit log and tells the coordinator (metadata only).
/// An evaluation whose score histogram would count fewer than <see cref="ScoreHistogram.MinCell"/> patients in a
/// cell is refused the same way, policy or not.
/// </summary>
public sealed class TransferGate(string siteId, string jurisdiction, SitePolicy? policy, AuditLog audit, ILogger logger) : IJobState
{
    private readonly Dictionary<Guid, JobGovernance> jobs = new();

    /// <summary>Checks that the site may work for this job at all (its consortium); notes the round and the ledger head it shows.</summary>
    public RoundDeclined? Admit(ICollectionRequest round)
    {
        Received(round);
        if (round.Governance is { } g) jobs[round.JobId] = g;
        if (policy is null) return null;
        if (round.Governance is null)
            return Refuse(round.JobId, round.Round, "the job does not say where its parties are, so the site's policy cannot be applied", null);
        if (!policy.Consortia.Contains(round.Governance.Consortium))
            return Refuse(round.JobId, round.Round, $"the site's policy does not accept jobs from consortium '{round.Governance.Consortium}' (accepts: " +
                $"{string.Join(", ", policy.Consortia)})", null);
        if (round is RoundStarted { Model: { } model } started
            && AdmitModel(round, model, started.FeatureNames, round.SecureRound is null ? DataKinds.ModelUpdate
                : DataKinds.MaskedModelUpdate) is { } notThisModel)
            return notThisModel;
        // Refuse before training what the round would need to send and the policy forbids.
        var needed = round.SecureRound is not null ? new[] { DataKinds.KeyExchange, DataKinds.MaskedModelUpdate } : [DataKinds.ModelUpdate];
        var coordinator = round.Governance.CoordinatorJurisdiction;
        foreach (var kind in needed)
        {
            if (coordinator == jurisdiction) break;
            var decision = Jurisdictions.IsKnown(coordinator) ? policy.Evaluate(kind, coordinator)
                : TransferDecision.Refuse($"the coordinator's jurisdiction '{coordinator}' is unknown");
            if (!decision.Allowed)
                return Refuse(round.JobId, round.Round, decision.LegalBasisOrReason,
                    new RefusedTransfer
                    {
                        DataKind = kind, Destination = "coordinator", DestinationJurisdiction = coordinator,
                        Reason = decision.LegalBasisOrReason
                    });
        }
        return null;
    }

    /// <summary>
    /// The hospital's approval of the model a request asks it to train or score (its policy's models section), checked
    /// before any row is read. A model that does not build is left to the model's loader, which declines with that reason.
    /// </summary>
    /// <param name="dataKind">What the site would have sent had it trained or scored the model (the ledger records the refusal as that kind).</param>
    public RoundDeclined? AdmitModel(IRoundMessage round, ModelSpec model, IReadOnlyList<string> featureNames, string dataKind)
    {
        if (policy?.Models is not { } models) return null;
        ResolvedArchitecture resolved;
        try { resolved = Architecture.Resolve(model, featureNames); }
        catch (ArgumentException) { return null; }
        if (ModelApproval.Refusal(models, resolved.Digest, resolved.Layout.TotalCount, resolved.Kinds, resolved.Task) is not { } why) return null;
        var coordinator = jobs.GetValueOrDefault(round.JobId)?.CoordinatorJurisdiction ?? "unknown";
        var refused = new RefusedTransfer { DataKind = dataKind, Destination = "coordinator", DestinationJurisdiction = coordinator, Reason = why };
        return Refuse(round.JobId, round.Round, why, refused, withheld: null, received: round.GetType().Name);
    }

    /// <summary>The job ended: nothing more will be sent for it.</summary>
    public void Forget(Guid jobId) => jobs.Remove(jobId);

    public bool Holds(Guid jobId) => jobs.ContainsKey(jobId);

    /// <param name="decision">What the site made of it, when more than that it arrived (a consortium file taken or refused).</param>
    public void Received(object message, string decision = "received")
    {
        var (job, round) = message is IRoundMessage r ? (r.JobId, r.Round) : (Guid.Empty, 0);
        var (bytes, sha) = PayloadDigest.Of(message);
        audit.Write(new AuditEntry(DateTimeOffset.UtcNow, "received", message.GetType().Name, job, round, "coordinator",
            jobs.GetValueOrDefault(job)?.CoordinatorJurisdiction, null, bytes, sha, null, decision, (message as ICollectionRequest)?.LedgerHead));
    }

    /// <summary>The message if the policy lets it leave, or the decline that replaces it.</summary>
    public ISiteRoundMessage Release(ISiteRoundMessage outbound)
    {
        if (outbound is RoundDeclined) return Sent(outbound, null, "control", "coordinator", null);
        var (job, round) = JobAndRound(outbound);
        if (job == Guid.Empty) throw new ArgumentException($"no transfer rule for {outbound.GetType().Name}");
        var kind = KindOf(outbound);
        if (SmallCellProblem(outbound) is { } leak) return Refuse(job, round, leak, null, outbound);
        if (policy is null) return Sent(outbound, kind, "no policy (development)", "coordinator", jobs.GetValueOrDefault(job)?.CoordinatorJurisdiction);
        if (!jobs.TryGetValue(job, out var g))
            return Refuse(job, round, "the site does not know where this job's parties are",
                new RefusedTransfer { DataKind = kind, Destination = "coordinator", DestinationJurisdiction = "unknown", Reason = "unknown job" });
        var (bases, refused) = Decide(policy, kind, Destinations(outbound, g));
        if (refused is not null) return Refuse(job, round, refused.Reason, refused, outbound);
        return Sent(outbound, kind, string.Join(", ", bases.Distinct()), "coordinator", g.CoordinatorJurisdiction);
    }

    /// <summary>
    /// An evaluation leaves only with score histograms and a confusion matrix free of small cells, whatever built them
    /// (<see cref="ScoreHistogram"/>, <see cref="MulticlassFigures"/>), and regression moments of enough rows.
    /// </summary>
    private static string? SmallCellProblem(object outbound)
    {
        if (outbound is not EvaluationSubmitted e) return null;
        static string? Of(string what, SiteEvaluation? evaluation) =>
            evaluation is null ? null : Problem(evaluation) is { } problem ? $"{what}: {problem}" : null;
        return Of("evaluation", e.Evaluation) ?? Of("personalised evaluation", e.Personalised);
    }

    private static string? Problem(SiteEvaluation evaluation)
    {
        var m = evaluation.Metrics;
        if (m.Multiclass is { } f)
            return ConfusionSuppression.Problem(f.Confusion, f.ClassRows) ?? MulticlassCheck.HistogramsProblem(evaluation.ClassHistograms, m, f.Classes);
        if (m.Regression is not null) return RegressionMetrics.Problem(m);
        return ScoreHistogramCheck.Problem(evaluation.Histogram, m.Samples);
    }

    /// <summary>
    /// Why a personal model may not leave with this evaluation (null: it may). It goes to the coordinator and on to
    /// every other participant, so each of their jurisdictions must be allowed, and the policy must name the kind even
    /// for a domestic transfer: sharing a model trained on this site's records alone is the hospital's explicit choice.
    /// A refusal is written to the audit log; the evaluation then leaves without the model.
    /// </summary>
    public string? PersonalModelRefusal(EvaluationSubmitted withModel)
    {
        if (policy is null) return null;
        string? reason;
        RefusedTransfer? refused = null;
        if (!jobs.TryGetValue(withModel.JobId, out var g))
            reason = "the site does not know where this job's parties are";
        else
            reason = (refused = Decide(policy, DataKinds.PersonalModel, Destinations(withModel, g)).Refused)?.Reason;
        if (reason is null) return null;
        logger.LogWarning("site {Site}: personal model of job {Job} kept at the site: {Reason}", siteId, withModel.JobId, reason);
        var (bytes, sha) = PayloadDigest.Of(withModel);
        audit.Write(new AuditEntry(DateTimeOffset.UtcNow, "refused", nameof(EvaluationSubmitted), withModel.JobId, withModel.Round,
            refused?.Destination ?? "coordinator",
            refused?.DestinationJurisdiction, DataKinds.PersonalModel, bytes, sha, null, $"refused: {reason}"));
        return reason;
    }

    /// <summary>Every party a message reaches: the coordinator, and the peers that key shares or a shared personal model go on to.</summary>
    private IReadOnlyList<(string Party, string Jurisdiction)> Destinations(object outbound, JobGovernance g)
    {
        var destinations = new List<(string Party, string Jurisdiction)> { ("coordinator", g.CoordinatorJurisdiction) };
        if (outbound is SharesSubmitted shares)
            destinations.AddRange(shares.Shares.Select(s => (s.To, g.SiteJurisdictions.GetValueOrDefault(s.To, "unknown"))));
        if (outbound is EvaluationSubmitted { PersonalModel: not null })
            destinations.AddRange(g.SiteJurisdictions.Where(p => p.Key != siteId).OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => (p.Key, p.Value)));
        return destinations;
    }

    /// <summary>The legal basis for each destination, or the first one the policy refuses.</summary>
    private (List<string> Bases, RefusedTransfer? Refused) Decide(SitePolicy sitePolicy, string kind,
        IReadOnlyList<(string Party, string Jurisdiction)> destinations)
    {
        var bases = new List<string>();
        foreach (var (party, where) in destinations)
        {
            // A personal model needs the policy's explicit consent even at home (Evaluate refuses a kind it does not list).
            var explicitOnly = kind == DataKinds.PersonalModel && !sitePolicy.DataKinds.Contains(kind);
            var decision = explicitOnly ? sitePolicy.Evaluate(kind, where)
                : where == jurisdiction ? TransferDecision.Allow("domestic")
                : Jurisdictions.IsKnown(where) ? sitePolicy.Evaluate(kind, where)
                : TransferDecision.Refuse($"the destination jurisdiction '{where}' is unknown");
            if (!decision.Allowed)
                return (bases,
                    new RefusedTransfer { DataKind = kind, Destination = party, DestinationJurisdiction = where, Reason = decision.LegalBasisOrReason });
            bases.Add(decision.LegalBasisOrReason);
        }
        return (bases, null);
    }

    /// <summary>What an outbound message carries (<see cref="DataKinds.Of"/>); "control" for a decline or a heartbeat.</summary>
    public static string KindOf(object message) => DataKinds.Of(message) ?? "control";

    private ISiteRoundMessage Sent(ISiteRoundMessage message, string? kind, string basis, string counterpart, string? counterpartJurisdiction)
    {
        var (job, round) = JobAndRound(message);
        var (bytes, sha) = PayloadDigest.Of(message);
        audit.Write(new AuditEntry(DateTimeOffset.UtcNow, "sent", message.GetType().Name, job, round, counterpart, counterpartJurisdiction, kind, bytes,
            sha, basis, "allowed"));
        return message;
    }

    /// <param name="received">The request refused, when no message is withheld (the audit log names it).</param>
    private RoundDeclined Refuse(Guid job, int round, string reason, RefusedTransfer? refused, object? withheld = null, string received = "RoundStarted")
    {
        logger.LogWarning("site {Site}: transfer refused by the site's policy, job {Job} round {Round}: {Reason}", siteId, job, round, reason);
        var (bytes, sha) = withheld is null ? (0L, "") : PayloadDigest.Of(withheld);
        audit.Write(
            new AuditEntry(DateTimeOffset.UtcNow, "refused", withheld?.GetType().Name ?? received, job, round, refused?.Destination ?? "coordinator",
            refused?.DestinationJurisdiction, refused?.DataKind, bytes, sha, null, $"refused: {reason}"));
        var declined = new RoundDeclined { JobId = job, Round = round, SiteId = siteId, Reason = $"site policy: {reason}", RefusedTransfer = refused };
        Sent(declined, null, "control", "coordinator", jobs.GetValueOrDefault(job)?.CoordinatorJurisdiction);
        return declined;
    }

    private static (Guid, int) JobAndRound(object message) => message is ISiteRoundMessage m ? (m.JobId, m.Round) : (Guid.Empty, 0);

}
