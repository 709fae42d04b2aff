using FedHealth.Contracts;
using FedHealth.Learning.Models;
using FedHealth.Privacy.Crypto;
using FedHealth.Privacy.SecureAggregation;
using Microsoft.Extensions.Logging;

namespace FedHealth.SiteAgent;

/// <summary>
/// The site's part in secure rounds: one session per (job, round) attempt, holding the protocol client and the
/// fixed-point input (Σ-ready: n·w then n, so the coordinator learns neither the weights nor n of any site).
/// Each step's answer is kept, so a repeated request gets the same answer; any failed check ends the site's part
/// in that round with a decline that says why.
/// </summary>
public sealed class SecureParticipation(string siteId, SiteSecurity? security, int minParticipants, ILogger logger) : IJobState
{
    /// <summary>What travels beside the masked input (training's loss, device and privacy spent; nothing for a count).</summary>
    public sealed record MaskedExtras(double TrainLoss, string Device, PrivacySpent? Privacy)
    {
        public static readonly MaskedExtras None = new(0, "", null);
    }

    private sealed class Session(SecureRoundClient client, byte[] nonce, int attempt, ulong[] input, MaskedExtras extras, ISiteRoundMessage advert)
    {
        public SecureRoundClient Client { get; } = client;
        public byte[] Nonce { get; } = nonce;
        public int Attempt { get; } = attempt;
        public ulong[] Input { get; } = input;
        public MaskedExtras Extras { get; } = extras;
        public ISiteRoundMessage Advert { get; } = advert;
        /// <summary>The answer to the collected keys: the graph seed in a sparse round, the shares in a full one.</summary>
        public ISiteRoundMessage? KeysAnswer, Shares, Masked, Unmasking;
    }

    private readonly Dictionary<(Guid Job, int Round), Session> sessions = new();

    /// <summary>The job ended: a round it abandoned mid-protocol leaves no keys behind.</summary>
    public void Forget(Guid jobId)
    {
        foreach (var ended in sessions.Where(s => s.Key.Job == jobId).ToList())
        {
            ended.Value.Client.Dispose();
            sessions.Remove(ended.Key);
        }
    }

    public bool Holds(Guid jobId) => sessions.Keys.Any(k => k.Job == jobId);

    /// <summary>Training's part: the update as Σ-ready input (n·w then n), with its loss, device and privacy spent.</summary>
    public ISiteRoundMessage Advertise(RoundStarted round, UpdateSubmitted update)
    {
        ulong[] input;
        try { input = Encode(update, SecureRing.Of(round.SecureRound!), round.Participants.Count); }
        catch (Exception e) when (e is OverflowException or SecureRoundException)
        {
            return Decline(round.JobId, round.Round, round.Attempt, $"the update does not fit the round's secure sum: {e.Message}");
        }
        return Advertise(round, input, new MaskedExtras(update.TrainLoss, update.Device, update.Privacy));
    }

    /// <summary>
    /// Starts the site's part in a round's secure sum over <paramref name="input"/> (any kind's), with its signed key
    /// advertisement; the same request again (same nonce) gets the same advertisement.
    /// </summary>
    public ISiteRoundMessage Advertise(ICollectionRequest round, ulong[] input, MaskedExtras extras)
    {
        var settings = round.SecureRound!;
        if (sessions.TryGetValue((round.JobId, round.Round), out var existing) && existing.Nonce.AsSpan().SequenceEqual(settings.RoundNonce))
            return existing.Advert;
        if (security is null) return Decline(round.JobId, round.Round, round.Attempt,
            "this site has no consortium keys (consortiumFile, identityKeyFile) and cannot take part in secure aggregation");
        if (!settings.CoordinatorKey.AsSpan().SequenceEqual(security.Trust.CoordinatorKey))
            return Decline(round.JobId, round.Round, round.Attempt,
                "the round's coordinator key is not the one registered in the consortium file; refusing to seal updates for it");
        foreach (var stale in sessions.Where(s => s.Key.Job == round.JobId && s.Key.Round <= round.Round).ToList())
        {
            stale.Value.Client.Dispose();
            sessions.Remove(stale.Key);
        }
        SecureRoundClient client;
        try { client = new SecureRoundClient(siteId, security.Identity, security.Trust.Sites, round.JobId, round.Round, settings, minParticipants); }
        catch (SecureRoundException e) { return Decline(round.JobId, round.Round, round.Attempt, $"secure aggregation: {e.Message}"); }
        var session = new Session(client, settings.RoundNonce, round.Attempt, input, extras, client.Advertise());
        sessions[(round.JobId, round.Round)] = session;
        return session.Advert;
    }

    /// <summary>A plain update sealed for the coordinator and signed, for jobs without secure aggregation.</summary>
    public ISiteRoundMessage Seal(RoundStarted round, UpdateSubmitted update)
    {
        var sealing = round.Sealing!;
        if (security is null) return Decline(round.JobId, round.Round, round.Attempt,
            "this site has no consortium keys (consortiumFile, identityKeyFile) to seal and sign its update");
        if (!sealing.CoordinatorKey.AsSpan().SequenceEqual(security.Trust.CoordinatorKey))
            return Decline(round.JobId, round.Round, round.Attempt,
                "the round's coordinator key is not the one registered in the consortium file; refusing to seal updates for it");
        var json = System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(update, WireJson.Options);
        var box = SealedBox.Seal(sealing.CoordinatorKey, json, SignedContent.Context("update", round.JobId, round.Round, sealing.RoundNonce, siteId));
        var unsigned = new SealedUpdateSubmitted
        {
            JobId = round.JobId, Round = round.Round, RoundNonce = sealing.RoundNonce, SiteId = siteId,
            Box = SecureRoundClient.ToPayload(box), Signature = [],
        };
        return unsigned with { Signature = security.Identity.Sign(SignedContent.Of(unsigned)) };
    }

    public ISiteRoundMessage? OnKeysCollected(MaskingKeysCollected m) =>
        Step(m, s => s.KeysAnswer ??= s.Client.OnKeysCollected(m));

    public ISiteRoundMessage? OnSeedsRevealed(GraphSeedsRevealed m) =>
        Step(m, s => s.Shares ??= s.Client.OnSeedsRevealed(m));

    public ISiteRoundMessage? OnSharesRelayed(SharesRelayed m) =>
        Step(m, s => s.Masked ??= s.Client.OnSharesRelayed(m, s.Input, s.Extras.TrainLoss, s.Extras.Device, s.Extras.Privacy));

    public ISiteRoundMessage? OnUnmaskingRequested(UnmaskingRequested m) =>
        Step(m, s => s.Unmasking ??= s.Client.OnUnmaskingRequested(m));

    private ISiteRoundMessage? Step(IRoundMessage message, Func<Session, ISiteRoundMessage> next)
    {
        if (!sessions.TryGetValue((message.JobId, message.Round), out var session)) return null; // not ours, or a round we declined
        if (NonceOf(message) is { } nonce && !nonce.AsSpan().SequenceEqual(session.Nonce))
        {
            // Redelivered from an earlier attempt (after a broker outage, say): answering it would end this attempt's session.
            logger.LogInformation("site {Site}: job {Job} round {Round}: {Step} of another attempt ignored (this site is in attempt {Attempt})",
                siteId, message.JobId, message.Round, message.GetType().Name, session.Attempt);
            return null;
        }
        try { return next(session); }
        catch (SecureRoundException e)
        {
            session.Client.Dispose();
            sessions.Remove((message.JobId, message.Round));
            return Decline(message.JobId, message.Round, session.Attempt, $"secure aggregation: {e.Message}");
        }
    }

    private static ulong[] Encode(UpdateSubmitted update, SecureRing ring, int parties)
    {
        var weights = FlatParametersOf(update);
        var input = new ulong[weights.Length + 1];
        ring.EncodeAll(weights, update.SampleCount, parties, input);
        input[^1] = ring.Encode(update.SampleCount, parties);
        return input;
    }

    private static float[] FlatParametersOf(UpdateSubmitted update)
    {
        var shapes = update.Weights.Tensors.Select(t => new ParameterShape(t.Name, t.Shape)).ToList();
        return FlatParameters.FromWeights(new ParameterLayout(shapes), update.Weights).Values;
    }

    private static byte[]? NonceOf(IRoundMessage message) => message switch
    {
        MaskingKeysCollected k => k.RoundNonce,
        GraphSeedsRevealed g => g.RoundNonce,
        SharesRelayed r => r.RoundNonce,
        UnmaskingRequested u => u.RoundNonce,
        _ => null,
    };

    private RoundDeclined Decline(Guid job, int round, int attempt, string reason)
    {
        logger.LogWarning("site {Site}: leaving job {Job} round {Round} attempt {Attempt}: {Reason}", siteId, job, round, attempt, reason);
        return new RoundDeclined { JobId = job, Round = round, Attempt = attempt, SiteId = siteId, Reason = reason };
    }
}
