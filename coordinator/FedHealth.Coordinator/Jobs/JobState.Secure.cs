using System.Security.Cryptography;
using FedHealth.Contracts;
using FedHealth.Coordinator.Jobs.Kinds;
using FedHealth.Learning.Models;
using FedHealth.Privacy.Crypto;
using FedHealth.Privacy.SecureAggregation;

namespace FedHealth.Coordinator.Jobs;

/// <summary>
/// Secure aggregation inside a round's training phase: the job holds the round's <see cref="SecureRoundServer"/>,
/// takes each checked message into it as it decides, and rebuilds it from the same messages when replaying its
/// journal (taking each message once). The sum it recovers becomes the round's checkpoint like a plain average.
/// </summary>
public sealed partial class JobState
{
    private SecureRoundServer? secure;

    /// <summary>The nonces of the current round's earlier attempts (from the journal).</summary>
    private readonly List<byte[]> earlierNonces = [];

    /// <summary>
    /// Participants heard in the current attempt with a message of an earlier attempt of this round: alive, but still
    /// working through older requests (a backlog after an outage), so this attempt's request is still in their queue.
    /// Not journaled: what was heard, like heartbeats; a restarted coordinator starts without it.
    /// </summary>
    private readonly HashSet<string> lagging = [];
    private int laggingWaitedInAttempt;

    /// <summary>What the coordinator last broadcast in the current secure round (re-sent when the job resumes).</summary>
    public IRoundMessage? PendingBroadcast { get; private set; }

    public SecureRoundSettings? SecureSettings { get; private set; }

    /// <summary>The ring the job's secure sums are in (the spec's <c>secureAggregationRingBits</c>).</summary>
    public SecureRing Ring => SecureRing.ForBits(Spec.SecureAggregationRingBits);

    /// <summary>Every round attempt has a fresh random nonce that sites sign into their messages, so nothing replays across attempts.</summary>
    public static byte[] NewNonce(JobSpec spec) => RandomNumberGenerator.GetBytes(16);

    /// <summary>The round's sealing settings, when this coordinator holds consortium keys.</summary>
    public RoundSealing? Sealing { get; private set; }

    /// <summary>A majority of the round's sites must take part in unmasking: t = n/2 + 1, at least 2.</summary>
    public static int ThresholdFor(int participants) => Math.Max(2, participants / 2 + 1);

    /// <summary>A sealed plain update: checked (registered sender, signature, this attempt's nonce), opened, then judged as a plain update.</summary>
    public JobDecision OnSealedUpdate(SealedUpdateSubmitted sealedUpdate, DateTimeOffset now)
    {
        if (Check(sealedUpdate.Round, sealedUpdate.SiteId, JobPhase.Collecting, "update") is { } problem) return problem;
        if (Spec.SecureAggregation)
            return JobDecision.Refuse("this job runs secure aggregation: send keys, shares and a masked update, not a sealed plain update");
        if (keys is null || Sealing is null) return JobDecision.Refuse("this coordinator holds no consortium keys to open sealed updates");
        if (!sealedUpdate.RoundNonce.AsSpan().SequenceEqual(Sealing.RoundNonce))
            return JobDecision.Refuse($"sealed update from {sealedUpdate.SiteId} carries another attempt's nonce (replayed?)");
        if (!keys.Trust.Sites.TryGetValue(sealedUpdate.SiteId, out var key))
            return JobDecision.Refuse($"site '{sealedUpdate.SiteId}' has no registered public key");
        if (!SigningKey.Verify(key, SignedContent.Of(sealedUpdate), sealedUpdate.Signature))
            return JobDecision.Refuse($"the signature of {sealedUpdate.SiteId} on its sealed update is missing or does not verify");
        UpdateSubmitted? inner;
        try
        {
            var json = SealedBox.Open(keys.CoordinatorKey, SecureRoundClient.FromPayload(sealedUpdate.Box),
                SignedContent.Context("update", JobId, Round, Sealing.RoundNonce, sealedUpdate.SiteId));
            inner = System.Text.Json.JsonSerializer.Deserialize<UpdateSubmitted>(json, WireJson.Options);
        }
        catch (Exception e) when (e is CryptographicException or System.Text.Json.JsonException)
        {
            return JobDecision.Refuse(
                $"the sealed update of {sealedUpdate.SiteId} does not open or parse ({e.Message}): tampered or not sealed for this coordinator");
        }
        if (inner is null || inner.SiteId != sealedUpdate.SiteId || inner.JobId != JobId || inner.Round != sealedUpdate.Round)
            return JobDecision.Refuse($"the sealed update of {sealedUpdate.SiteId} names another site, job or round inside");
        return Judge(inner, now);
    }

    public JobDecision OnSecureMessage(ISecureRoundMessage message, DateTimeOffset now)
    {
        if (Check(message.Round, message.SiteId, JobPhase.Collecting, message.GetType().Name) is { } problem) return problem;
        if (secure is null) return JobDecision.Refuse($"job {JobId} does not run secure aggregation");
        if (earlierNonces.Any(n => n.AsSpan().SequenceEqual(message.RoundNonce)))
        {
            lagging.Add(message.SiteId);
            return JobDecision.Refuse($"{message.GetType().Name} from {message.SiteId} carries another round's nonce, that of an earlier attempt of round " +
                $"{Round} (attempt {Attempt} is running): " +
                "the site is behind on its requests, and this attempt waits for it once more before it is tried again");
        }
        if (message is MaskedUpdateSubmitted masked)
        {
            if (!double.IsFinite(masked.TrainLoss)) return JobDecision.Refuse($"train loss {masked.TrainLoss} is not finite");
            if (PrivacyReportProblem(masked.SiteId, masked.Privacy) is { } bad) return JobDecision.Refuse(bad);
        }
        if (secure.Holds(message))
            return JobDecision.Ignore($"{message.GetType().Name} from {message.SiteId} already taken for round {Round} (resend ignored)");
        if (secure.Accept(message) is { } refused) return JobDecision.Refuse(refused);
        IJobEvent received = message switch
        {
            MaskingKeysAdvertised a => new KeysAdvertReceived(Round, a),
            GraphSeedRevealed g => new GraphSeedReceived(Round, g),
            SharesSubmitted s => new SharesReceived(Round, s),
            MaskedUpdateSubmitted m => new MaskedUpdateReceived(Round, m),
            UnmaskingSharesSubmitted u => new RevealedSharesReceived(Round, u),
            _ => throw new ArgumentException(message.GetType().Name),
        };
        if (message is MaskedUpdateSubmitted { Privacy: { } spent }) roundPrivacy[message.SiteId] = spent;
        return new JobDecision(SecureStepComplete(alsoDeclined: null) ? [received, .. CloseSecureStep(now)] : [received]);
    }

    /// <summary>
    /// A secure step whose deadline passed while it still waits for a site that is behind (see <see cref="lagging"/>)
    /// gets one more window, once per attempt: failing it would open an attempt that site hears later still, and with
    /// every party needed each lagging site would spend the round's attempts one by one.
    /// </summary>
    private DeadlineExtended? WaitForLagging(DateTimeOffset now)
    {
        if (secure is null || Phase != JobPhase.Collecting || laggingWaitedInAttempt == Attempt || !WaitingFor().Any(lagging.Contains)) return null;
        laggingWaitedInAttempt = Attempt;
        return new DeadlineExtended(Step, now + Spec.RoundDeadline, now);
    }

    /// <summary>A site's message of an earlier attempt of this round shows it is behind; a new round or attempt starts with nobody behind.</summary>
    private void NoteAttemptStarted(RoundStartedEvent started)
    {
        if (started.Round != Round) earlierNonces.Clear();
        else if (opened?.Nonce is { } previous) earlierNonces.Add(previous);
        lagging.Clear();
    }

    private bool SecureStepComplete(string? alsoDeclined) =>
        training.Complete(secure!.Expected.Where(s => !secure.Answered.Contains(s)), with: alsoDeclined);

    /// <summary>Closes the current step with whoever answered; too few parties means the round is tried again.</summary>
    private IReadOnlyList<IJobEvent> CloseSecureStep(DateTimeOffset now, IReadOnlyDictionary<string, string>? goneNow = null)
    {
        var server = secure!;
        try
        {
            if (server.Phase == SecurePhase.Unmasking) return Kind.FoldSecureSum(this, SecureSumOf(server.Finish(), now, goneNow));
            var step = server.Phase;
            PendingBroadcast = Close(server, journaled: false);
            return [new SecureStepClosed(Round, step, now + Spec.RoundDeadline)];
        }
        catch (SecureRoundException e)
        {
            return RetryOrFail($"secure aggregation could not complete ({e.Message})", now);
        }
    }

    private static IRoundMessage Close(SecureRoundServer server, bool journaled) => server.Phase switch
    {
        SecurePhase.Keys => server.CloseKeys(journaled),
        SecurePhase.Seeds => server.CloseSeeds(),
        SecurePhase.Shares => server.CloseShares(journaled),
        SecurePhase.Masked => server.CloseMasked(journaled),
        _ => throw new InvalidOperationException($"nothing to close in step {server.Phase}"),
    };

    /// <summary>The recovered sum with who is in it and why the others are not: what every kind's fold starts from.</summary>
    private SecureSum SecureSumOf(ulong[] sum, DateTimeOffset now, IReadOnlyDictionary<string, string>? goneNow)
    {
        var survivors = secure!.Survivors;
        var leftOut = Participants.Where(p => !survivors.Contains(p)).Select(p => new SiteLeftOut
        {
            SiteId = p,
            Reason = training.LeftOutReason(p, decliningNow: null, GoneReason(p, goneNow),
                !secure.Advertised.Contains(p) ? "late: no keys before the deadline"
                : !secure.Shared.Contains(p) ? "late: no shares before the deadline"
                : "dropped after sharing: no masked update before the deadline (its masks were removed from the sum)"),
        }).ToList();
        return new SecureSum(sum, survivors.ToList(), leftOut, secure.MaskedUpdates.ToList(), now);
    }

    /// <summary>Training's fold: the recovered sum holds Σ nᵢ·wᵢ then Σ nᵢ, the weighted average without any site's weight or update
    /// showing.</summary>
    internal IJobEvent FoldTrainingSum(SecureSum secureSum)
    {
        var (sum, survivors, now) = (secureSum.Values, secureSum.Survivors, secureSum.At);
        var totalSamples = Ring.Decode(sum[^1]);
        if (!(totalSamples >= survivors.Count) || totalSamples > (double)MaxSamplesPerUpdate * survivors.Count)
            return RetryOrFail($"the recovered sample count {totalSamples} is implausible for {survivors.Count} sites", now)[0];
        var values = new float[Layout.TotalCount];
        for (var i = 0; i < values.Length; i++) values[i] = (float)(Ring.Decode(sum[i]) / totalSamples);
        if (values.Any(v => !float.IsFinite(v))) return RetryOrFail("the recovered average is not finite", now)[0];
        // No control deltas under secure aggregation: the rules refuse scaffold with it (the deltas would need their own masked sum).
        var (global, serverState) = Finish(values, controlSum: null);
        return new RoundAggregated(Round, global, survivors, secureSum.LeftOut, secureSum.Masked.Average(m => m.TrainLoss),
            now + Spec.RoundDeadline, now, serverState);
    }

    private void OpenSecureRound(RoundStartedEvent started)
    {
        PendingBroadcast = null;
        secure = null;
        SecureSettings = null;
        Sealing = keys is not null && started.Nonce is { } n ? new RoundSealing { RoundNonce = n, CoordinatorKey = keys.Trust.CoordinatorKey } : null;
        if (!Spec.SecureAggregation) return;
        if (keys is null) throw new InvalidOperationException($"job {JobId} runs secure aggregation but this coordinator has no consortium keys");
        if (started.Nonce is not { Length: 16 } nonce) throw new InvalidOperationException($"round {started.Round} has no nonce");
        SecureSettings = new SecureRoundSettings
        {
            RoundNonce = nonce, Threshold = ThresholdFor(Participants.Count), CoordinatorKey = keys.Trust.CoordinatorKey,
            RingBits = Ring.Bits, FractionBits = Ring.FractionBits,
        };
        // A sparse graph is drawn from the participants as they stand now, before any site has a key for this attempt.
        if (Spec.SecureAggregationGraph == MaskingGraph.Sparse)
            SecureSettings = SecureSettings with
            {
                Graph = MaskingGraph.Sparse,
                Neighbours = Spec.SecureAggregationNeighbours,
                Threshold = Spec.SecureAggregationThreshold,
                Roster = Participants.Order(StringComparer.Ordinal).ToList(),
            };
        secure = new SecureRoundServer(JobId, started.Round, SecureSettings, Participants, keys.Trust.Sites, keys.CoordinatorKey, Kind.SecureInputLength(this),
            minSites: Spec.MinSites);
    }

    private void ApplySecureMessage(IJobEvent e)
    {
        ISecureRoundMessage message = e switch
        {
            KeysAdvertReceived k => k.Message,
            GraphSeedReceived g => g.Message,
            SharesReceived s => s.Message,
            MaskedUpdateReceived m => m.Message,
            RevealedSharesReceived r => r.Message,
            _ => throw new ArgumentException(e.GetType().Name),
        };
        if (message is MaskedUpdateSubmitted { Privacy: { } spent }) roundPrivacy[message.SiteId] = spent;
        // Live, the decision already took it; replaying the journal, it is taken here, once.
        if (secure is not null && !secure.Holds(message) && secure.Accept(message, journaled: true) is { } refused)
            throw new InvalidOperationException($"journal replay: {refused}");
    }

    private void ApplySecureStepClosed(SecureStepClosed closed)
    {
        if (secure is not null && secure.Phase == closed.Step) PendingBroadcast = Close(secure, journaled: true);
        Deadline = closed.Deadline;
        Step++;
    }
}
