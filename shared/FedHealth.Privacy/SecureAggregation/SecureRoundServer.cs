using System.Runtime.InteropServices;
using System.Security.Cryptography;
using FedHealth.Contracts;
using FedHealth.Privacy.Crypto;

namespace FedHealth.Privacy.SecureAggregation;

/// <summary>
/// The steps of a secure round at the coordinator. <see cref="Seeds"/> (the sites reveal the graph seeds they committed
/// to with their keys) runs in sparse rounds only; a full round goes from keys to shares as it always did.
/// </summary>
public enum SecurePhase { Keys, Seeds, Shares, Masked, Unmasking, Done }

/// <summary>
/// The coordinator's side of one secure-aggregation round. It checks every message (registered sender, signature,
/// round nonce, step, no repeats), relays what sites exchange without being able to read it, folds masked inputs
/// into one running sum as they arrive (memory of one model, whatever the number of sites), and at the end
/// rebuilds from Shamir shares exactly the masks to remove: survivors' self-masks and dropped sites' pairwise masks.
/// Deterministic given the same messages and coordinator key, so a job replays it from its journal.
/// </summary>
public sealed class SecureRoundServer
{
    private readonly Guid job;
    private readonly int round;
    private readonly SecureRoundSettings settings;
    private readonly IReadOnlySet<string> participants;
    private readonly IReadOnlyDictionary<string, byte[]> trusted;
    private readonly ECDiffieHellman coordinatorKey;
    private readonly int length;
    /// <summary>The fewest sites each step may close with: the job's minSites, and never fewer than the threshold.</summary>
    private readonly int minParties;
    private readonly Dictionary<string, MaskingKeysAdvertised> adverts = new();
    private readonly Dictionary<string, GraphSeedRevealed> seeds = new();
    private readonly Dictionary<string, SharesSubmitted> bundles = new();
    private readonly Dictionary<string, MaskedUpdateSubmitted> maskedFrom = new();
    private readonly Dictionary<string, IReadOnlyList<RevealedShare>> revealed = new();
    private readonly ulong[] sum;
    /// <summary>The sparse graph's opening digest (job, round, nonce, k, t, roster); null for the full graph.</summary>
    private readonly byte[]? opening;
    /// <summary>Who masks with whom: the full graph from the start; a sparse one once every advertiser revealed its seed.</summary>
    private MaskingGraph? drawn;
    /// <summary>
    /// A sparse round journaled before graph seeds existed (its adverts commit to none): replayed as it ran then, its graph
    /// drawn from the opening digest alone and no seed step, so a coordinator upgraded mid-round rebuilds its journal
    /// instead of failing on it. Only replay can set this; live, an advert without a commitment is refused.
    /// </summary>
    private bool unseeded;
    private byte[]? opened;
    /// <summary>From the unmasking step on: whose secrets must be rebuilt, and each one's share holders with their points.</summary>
    private Dictionary<string, Dictionary<string, byte>> holdersOf = new();
    /// <summary>Survivors and dropped as sets: every revealed share of every site is checked against them.</summary>
    private HashSet<string> survivorSet = [], droppedSet = [];
    private readonly SecureRing ring;

    public SecurePhase Phase { get; private set; } = SecurePhase.Keys;
    public IReadOnlyList<string> Survivors { get; private set; } = [];
    public IReadOnlyList<string> Dropped { get; private set; } = [];
    public IReadOnlyCollection<MaskedUpdateSubmitted> MaskedUpdates => maskedFrom.Values;

    /// <param name="minSites">
    /// The job's minSites: no step closes with fewer sites, whatever the threshold. With two survivors each would learn
    /// the other's update from the sum; the threshold alone (max(2, n/2+1)) let a round of three close with two.
    /// </param>
    public SecureRoundServer(Guid job, int round, SecureRoundSettings settings, IReadOnlyCollection<string> participants,
        IReadOnlyDictionary<string, byte[]> trusted, ECDiffieHellman coordinatorKey, int length, int minSites = 0)
    {
        (this.job, this.round, this.settings, this.trusted, this.coordinatorKey, this.length) = (job, round, settings, trusted, coordinatorKey, length);
        minParties = Math.Max(settings.Threshold, minSites);
        this.participants = participants.ToHashSet();
        sum = new ulong[length];
        ring = SecureRing.Of(settings);
        opening = MaskingGraph.OpeningDigest(settings, job, round);
        drawn = opening is null ? MaskingGraph.Complete : null;
    }

    private MaskingGraph Graph => drawn ?? throw new InvalidOperationException("the sparse graph is drawn only once every advertiser revealed its seed");

    /// <summary>Whether this exact step's message from this site is already held (replaying a journal takes each once).</summary>
    public bool Holds(ISecureRoundMessage message) => message switch
    {
        MaskingKeysAdvertised a => adverts.ContainsKey(a.SiteId),
        GraphSeedRevealed g => seeds.ContainsKey(g.SiteId),
        SharesSubmitted s => bundles.ContainsKey(s.SiteId),
        MaskedUpdateSubmitted m => maskedFrom.ContainsKey(m.SiteId),
        UnmaskingSharesSubmitted u => revealed.ContainsKey(u.SiteId),
        _ => false,
    };

    /// <summary>The sites the current step waits for, and those that have answered it.</summary>
    public IReadOnlyCollection<string> Expected => Phase switch
    {
        SecurePhase.Keys => participants.ToList(),
        SecurePhase.Seeds => adverts.Keys,
        SecurePhase.Shares => adverts.Keys,
        SecurePhase.Masked => bundles.Keys,
        SecurePhase.Unmasking => Survivors,
        _ => [],
    };

    public IReadOnlyCollection<string> Answered => Phase switch
    {
        SecurePhase.Keys => adverts.Keys,
        SecurePhase.Seeds => seeds.Keys,
        SecurePhase.Shares => bundles.Keys,
        SecurePhase.Masked => maskedFrom.Keys,
        SecurePhase.Unmasking => revealed.Keys,
        _ => [],
    };

    /// <summary>Sites that took each step, for telling who was left out and where.</summary>
    public IReadOnlyCollection<string> Advertised => adverts.Keys;
    public IReadOnlyCollection<string> Shared => bundles.Keys;

    public bool CanFinish => Phase == SecurePhase.Unmasking && Unrecoverable() is null;

    /// <summary>The first secret fewer than the threshold of its holders have revealed shares of, or null when every one can be rebuilt.</summary>
    private string? Unrecoverable()
    {
        if (revealed.Count < settings.Threshold) return $"{revealed.Count} sites revealed shares, the threshold is {settings.Threshold}";
        foreach (var (owner, holders) in holdersOf)
        {
            var count = holders.Keys.Count(revealed.ContainsKey);
            if (count < settings.Threshold)
                return $"{count} of {owner} and its neighbours revealed shares of its {(Survivors.Contains(owner) ? "self-mask seed" : "masking key")}, " +
                    $"the threshold is {settings.Threshold}";
        }
        return null;
    }

    /// <summary>Checks and takes one message; returns why it was refused, or null when taken. A refused message changes nothing.</summary>
    /// <param name="journaled">Replaying the journal: the message was taken live under the rules of its day (see <see cref="unseeded"/>).</param>
    public string? Accept(ISecureRoundMessage message, bool journaled = false)
    {
        if (message.JobId != job || message.Round != round)
            return $"{message.GetType().Name} for job {message.JobId} round {message.Round} does not belong to this round";
        if (!message.RoundNonce.AsSpan().SequenceEqual(settings.RoundNonce))
            return $"{message.GetType().Name} from {message.SiteId} carries another round's nonce (replayed from an earlier attempt?)";
        if (!participants.Contains(message.SiteId)) return $"site '{message.SiteId}' is not a participant of this round";
        if (!trusted.TryGetValue(message.SiteId, out var key)) return $"site '{message.SiteId}' has no registered public key";
        if (!SigningKey.Verify(key, SignedContent.Of(message), message.Signature))
            return $"the signature of {message.SiteId} on {message.GetType().Name} is missing or does not verify";
        return message switch
        {
            MaskingKeysAdvertised a => Take(SecurePhase.Keys, adverts, a, () => GraphProblem(a, journaled)),
            GraphSeedRevealed g => Take(SecurePhase.Seeds, seeds, g, () => SeedProblem(g)),
            SharesSubmitted s => Take(SecurePhase.Shares, bundles, s, () => SharesProblem(s)),
            MaskedUpdateSubmitted m => TakeMasked(m),
            UnmaskingSharesSubmitted u => TakeRevealed(u),
            _ => $"unknown message {message.GetType().Name}",
        };
    }

    /// <summary>The fewest sites a step closes with: the job's minimum live, only the threshold when replaying a journaled close.</summary>
    private int Minimum(bool journaled) => journaled ? settings.Threshold : minParties;

    private string Needed(bool journaled) => Minimum(journaled) > settings.Threshold
        ? $"the job needs at least {minParties} (minSites)" : $"the threshold is {settings.Threshold}";

    /// <param name="journaled">Replaying a close the journal already holds: the job's minimum was judged when it was
    /// taken (perhaps under an older rule), so only what the arithmetic needs, the threshold, is checked again.</param>
    public MaskingKeysCollected CloseKeys(bool journaled = false)
    {
        Expect(SecurePhase.Keys);
        if (adverts.Count < Minimum(journaled)) throw new SecureRoundException($"{adverts.Count} sites advertised keys, {Needed(journaled)}");
        if (unseeded) drawn = MaskingGraph.Unseeded(settings, job, round);
        Phase = drawn is not null ? SecurePhase.Shares : SecurePhase.Seeds;
        return new MaskingKeysCollected { JobId = job, Round = round, RoundNonce = settings.RoundNonce, Adverts = Sorted(adverts) };
    }

    /// <summary>
    /// Sparse rounds: draws the graph from the opening digest and every advertiser's seed. An advertiser that did not
    /// reveal fails the attempt (tried again with a fresh nonce): leaving it out once the others' seeds are known would
    /// let the coordinator pick, among subsets of advertisers, the graph it likes.
    /// </summary>
    public GraphSeedsRevealed CloseSeeds()
    {
        Expect(SecurePhase.Seeds);
        var silent = adverts.Keys.Where(a => !seeds.ContainsKey(a)).Order(StringComparer.Ordinal).ToList();
        if (silent.Count > 0)
            throw new SecureRoundException($"{string.Join(", ", silent)} advertised keys but did not reveal {(silent.Count == 1 ? "its" : "their")} " +
                "graph seed: the graph cannot be drawn without every advertiser's seed (leaving one out would let the coordinator choose the graph)");
        drawn = MaskingGraph.Of(settings, job, round, seeds.Values.Select(g => (g.SiteId, g.Seed)));
        Phase = SecurePhase.Shares;
        return new GraphSeedsRevealed { JobId = job, Round = round, RoundNonce = settings.RoundNonce, Reveals = Sorted(seeds) };
    }

    public SharesRelayed CloseShares(bool journaled = false)
    {
        Expect(SecurePhase.Shares);
        if (bundles.Count < Minimum(journaled)) throw new SecureRoundException($"{bundles.Count} sites shared their secrets, {Needed(journaled)}");
        Phase = SecurePhase.Masked;
        return new SharesRelayed { JobId = job, Round = round, RoundNonce = settings.RoundNonce, Bundles = Sorted(bundles) };
    }

    public UnmaskingRequested CloseMasked(bool journaled = false)
    {
        Expect(SecurePhase.Masked);
        if (maskedFrom.Count < settings.Threshold)
            throw new SecureRoundException($"{maskedFrom.Count} masked updates arrived, fewer than the threshold of {settings.Threshold}: the masks cannot " +
                "be removed, the round is abandoned");
        if (maskedFrom.Count < Minimum(journaled))
            throw new SecureRoundException(
                $"{maskedFrom.Count} masked updates arrived, {Needed(journaled)}: a sum of so few would single sites out, the round is abandoned");
        var survivors = maskedFrom.Keys.Order(StringComparer.Ordinal).ToList();
        var dropped = bundles.Keys.Except(survivors).Order(StringComparer.Ordinal).ToList();
        // Each survivor's self-mask and each dropped site's masks with surviving neighbours are rebuilt from the shares of
        // survivors among the owner and its neighbours: in a sparse graph that is checked owner by owner (in the full graph
        // every survivor holds a share of every secret, and the count above already decided).
        var needed = new Dictionary<string, Dictionary<string, byte>>();
        foreach (var owner in survivors.Concat(dropped.Where(d => Graph.NeighboursOf(d, survivors).Any())))
        {
            var holders = Graph.Holders(owner, adverts.Keys).Where(h => bundles.ContainsKey(h.Holder)).ToDictionary(h => h.Holder, h => h.Point);
            var alive = holders.Keys.Count(maskedFrom.ContainsKey);
            if (alive < settings.Threshold)
                throw new SecureRoundException($"only {alive} of {owner} and its neighbours sent masked updates, the threshold is {settings.Threshold}: " +
                    $"the masks of {owner} cannot be removed, the round is abandoned");
            needed[owner] = holders;
        }
        holdersOf = needed;
        Survivors = survivors;
        Dropped = dropped;
        (survivorSet, droppedSet) = (survivors.ToHashSet(), dropped.ToHashSet());
        Phase = SecurePhase.Unmasking;
        return new UnmaskingRequested { JobId = job, Round = round, RoundNonce = settings.RoundNonce, Survivors = Survivors, Dropped = Dropped };
    }

    /// <summary>Removes every mask and returns the exact sum of the survivors' fixed-point inputs.</summary>
    public ulong[] Finish()
    {
        if (Phase != SecurePhase.Unmasking) throw new SecureRoundException($"step is {Phase}, not unmasking");
        if (Unrecoverable() is { } missing) throw new SecureRoundException(missing);
        var masks = Survivors.Select(s => (Rebuild(s, isMaskingKey: false), true)).ToList();
        foreach (var dropped in Dropped.Where(holdersOf.ContainsKey))
        {
            using var key = KeyAgreement.FromScalar(Rebuild(dropped, isMaskingKey: true), adverts[dropped].MaskingKey);
            // Each surviving neighbour added its mask with the dropped site with its own sign; remove it with the opposite one.
            foreach (var survivor in Graph.NeighboursOf(dropped, Survivors))
                masks.Add((PairwiseMask.Seed(key, adverts[survivor].MaskingKey, job, round, settings.RoundNonce, dropped, survivor),
                    PairwiseMask.Adds(survivor, dropped)));
        }
        // Every mask is rebuilt before the sum is touched, so a missing share leaves the round as it was; then the sum
        // is unmasked in place (the step is over: nothing is added to it again).
        MaskExpander.ApplyAll(masks, sum);
        ring.Finish(sum);
        opened = null;
        Phase = SecurePhase.Done;
        return sum;
    }

    private byte[] Rebuild(string owner, bool isMaskingKey)
    {
        var shares = revealed.Values.SelectMany(r => r).Where(r => r.Owner == owner && r.IsMaskingKey == isMaskingKey).Select(r => r.Share)
            .GroupBy(s => s.X).Select(g => g.First()).Take(settings.Threshold).ToList();
        if (shares.Count < settings.Threshold) throw new SecureRoundException(
            $"only {shares.Count} shares of {owner}'s {(isMaskingKey ? "masking key" : "self-mask seed")}, {settings.Threshold} needed");
        return ShamirSharing.Combine(shares);
    }

    private string? Take<T>(SecurePhase phase, Dictionary<string, T> store, T message, Func<string?> problem, Func<T, T>? keep = null) where T
        : ISecureRoundMessage
    {
        if (Phase != phase) return $"{typeof(T).Name} from {message.SiteId} arrived in step {Phase}, not {phase}: too late or out of order";
        if (store.ContainsKey(message.SiteId)) return $"{typeof(T).Name} from {message.SiteId} was already received (replayed)";
        if (problem() is { } why) return why;
        // A masked update is folded into the running sum on arrival; only its metadata is kept, not its megabytes.
        store[message.SiteId] = keep is null ? message : keep(message);
        return null;
    }

    private string? GraphProblem(MaskingKeysAdvertised a, bool journaled)
    {
        var problem = (opening, a.GraphDigest) switch
        {
            (null, null) when a.SeedCommitment is null => null,
            (null, _) => $"{a.SiteId} signed its keys for a sparse masking graph; this round's is full",
            ({ } ours, { } theirs) when ours.AsSpan().SequenceEqual(theirs) => a.SeedCommitment is { Length: 32 } ? null
                : journaled && a.SeedCommitment is null && (adverts.Count == 0 || unseeded) ? null
                : $"{a.SiteId} committed to no graph seed in its keys; a sparse round's graph is drawn from every advertiser's seed",
            _ => $"{a.SiteId} signed its keys for another masking graph than this round's (shown another roster, nonce or degree)",
        };
        if (problem is null && opening is not null && a.SeedCommitment is null) unseeded = true;
        return problem;
    }

    private string? SeedProblem(GraphSeedRevealed g) =>
        !adverts.TryGetValue(g.SiteId, out var advert) ? $"{g.SiteId} revealed a graph seed but did not advertise keys in this round"
        : g.Seed.Length != MaskingGraph.SeedLength ? $"the graph seed of {g.SiteId} has {g.Seed.Length} bytes, not {MaskingGraph.SeedLength}"
        : !MaskingGraph.OpensCommitment(advert.SeedCommitment, job, round, settings.RoundNonce, g.SiteId, g.Seed)
            ? $"the graph seed {g.SiteId} revealed does not match the commitment in its keys"
            : null;

    private string? SharesProblem(SharesSubmitted s)
    {
        if (!adverts.ContainsKey(s.SiteId)) return $"{s.SiteId} did not advertise keys in this round";
        var sameGraph = Graph.Digest is null ? s.GraphDigest is null : s.GraphDigest is not null && s.GraphDigest.AsSpan().SequenceEqual(Graph.Digest);
        if (!sameGraph && !unseeded)
            return $"{s.SiteId} shared for another masking graph than the one drawn from every advertiser's seed";
        var expected = Graph.Holders(s.SiteId, adverts.Keys).Select(h => h.Holder).Where(k => k != s.SiteId).ToHashSet();
        var to = s.Shares.Select(x => x.To).ToList();
        return to.Count == expected.Count && to.ToHashSet().SetEquals(expected) ? null
            : $"{s.SiteId} sent shares to [{string.Join(", ", to)}], expected one for each of [{string.Join(", ", expected.Order())}]";
    }

    private string? TakeMasked(MaskedUpdateSubmitted m) => Take(SecurePhase.Masked, maskedFrom, m, () =>
    {
        if (!bundles.ContainsKey(m.SiteId)) return $"{m.SiteId} did not share its secrets in this round";
        if (m.Box.Ciphertext.Length != length * ring.BytesPerValue)
            return $"the masked update of {m.SiteId} has {m.Box.Ciphertext.Length / ring.BytesPerValue} values of {ring.Bits} bits, the round expects {length}";
        // One buffer per round for opening every site's update: no fresh megabytes (and page faults) per message.
        opened ??= GC.AllocateUninitializedArray<byte>(length * ring.BytesPerValue);
        try
        {
            SealedBox.OpenInto(coordinatorKey, SecureRoundClient.FromPayload(m.Box),
            SignedContent.Context("masked", job, round, settings.RoundNonce, m.SiteId), opened);
        }
        catch (CryptographicException e)
        {
            return $"the masked update of {m.SiteId} does not decrypt ({e.Message}): tampered or not sealed for " +
            "this coordinator";
        }
        ring.AddWire(sum, opened);
        return null;
    }, keep: m => m with { Box = m.Box with { Ciphertext = [] } });

    private string? TakeRevealed(UnmaskingSharesSubmitted u)
    {
        if (Phase != SecurePhase.Unmasking) return $"shares from {u.SiteId} arrived in step {Phase}: too late or out of order";
        if (!survivorSet.Contains(u.SiteId)) return $"{u.SiteId} is not a survivor of this round";
        if (revealed.ContainsKey(u.SiteId)) return $"shares from {u.SiteId} were already received (replayed)";
        try
        {
            var shares = RevealedShares.FromBytes(SealedBox.Open(coordinatorKey, SecureRoundClient.FromPayload(u.Box),
                SignedContent.Context("unmask", job, round, settings.RoundNonce, u.SiteId)));
            if (shares.Any(s => s.IsMaskingKey ? !droppedSet.Contains(s.Owner) : !survivorSet.Contains(s.Owner)))
                return $"{u.SiteId} revealed a share that was not asked for";
            // A share counts only from a holder of that owner's secrets, at the point it was given (not another holder's).
            if (shares.FirstOrDefault(s => holdersOf.TryGetValue(s.Owner, out var holders) && (!holders.TryGetValue(u.SiteId, out var point) ||
                    point != s.Share.X)) is { } stray)
                return $"{u.SiteId} revealed a share of {stray.Owner}'s secret at point {stray.Share.X}, which is not the one it was given";
            revealed[u.SiteId] = shares;
            return null;
        }
        catch (Exception e) when (e is CryptographicException or FormatException or EndOfStreamException)
        {
            return $"the shares of {u.SiteId} do not decrypt or parse ({e.Message})";
        }
    }

    private void Expect(SecurePhase phase)
    {
        if (Phase != phase) throw new InvalidOperationException($"step is {Phase}, not {phase}");
    }

    private static IReadOnlyList<T> Sorted<T>(Dictionary<string, T> store) => store.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => p.Value).ToList();
}
