using System.Runtime.InteropServices;
using System.Security.Cryptography;
using FedHealth.Contracts;
using FedHealth.Privacy.Crypto;

namespace FedHealth.Privacy.SecureAggregation;

/// <summary>
/// A site's side of one secure-aggregation round (Bonawitz et al., CCS 2017): advertise keys, share secrets,
/// send the masked input, reveal the shares that let the coordinator remove masks, never both secrets of a site.
/// Every incoming message is checked against the consortium's registered site keys; a failed check throws
/// <see cref="SecureRoundException"/> with the reason and the site takes no further part in the round.
/// </summary>
public sealed class SecureRoundClient : IDisposable
{
    private readonly string self;
    private readonly SigningKey identity;
    private readonly IReadOnlyDictionary<string, byte[]> trusted;
    private readonly Guid job;
    private readonly int round;
    private readonly SecureRoundSettings settings;
    private readonly int minParticipants;
    private readonly ECDiffieHellman encryptionKey = KeyAgreement.NewKey();
    private readonly ECDiffieHellman maskingKey = KeyAgreement.NewKey();
    private readonly byte[] selfSeed = RandomNumberGenerator.GetBytes(32);
    private readonly Dictionary<string, MaskingKeysAdvertised> adverts = new();
    private readonly Dictionary<string, ShareBundle> received = new();
    /// <summary>The sparse graph's opening digest, signed into this site's advert; null for the full graph.</summary>
    private readonly byte[]? opening;
    /// <summary>This site's fresh share of the sparse graph's randomness, committed to in its advert; null for the full graph.</summary>
    private readonly byte[]? graphSeed;
    /// <summary>Sparse rounds: every advert in the collected set (signature checked), whose commitments the seeds must match.</summary>
    private Dictionary<string, MaskingKeysAdvertised>? collected;
    /// <summary>The full graph from the start; a sparse one once every advertiser's seed is revealed and checked.</summary>
    private MaskingGraph? drawn;
    private List<string> sharers = [];

    public SecureRoundClient(string self, SigningKey identity, IReadOnlyDictionary<string, byte[]> trusted, Guid job, int round,
        SecureRoundSettings settings, int minParticipants)
    {
        (this.self, this.identity, this.trusted, this.job, this.round, this.settings, this.minParticipants) =
            (self, identity, trusted, job, round, settings, minParticipants);
        opening = MaskingGraph.OpeningDigest(settings, job, round);
        if (opening is null) drawn = MaskingGraph.Complete;
        else graphSeed = RandomNumberGenerator.GetBytes(MaskingGraph.SeedLength);
    }

    private MaskingGraph Graph => drawn ?? throw new SecureRoundException("the sparse graph is drawn only once every advertiser's seed is revealed");

    public MaskingKeysAdvertised Advertise()
    {
        var unsigned = new MaskingKeysAdvertised
        {
            JobId = job, Round = round, RoundNonce = settings.RoundNonce, SiteId = self,
            EncryptionKey = KeyAgreement.PublicKey(encryptionKey), MaskingKey = KeyAgreement.PublicKey(maskingKey), GraphDigest = opening,
            SeedCommitment = graphSeed is null ? null : MaskingGraph.SeedCommitment(job, round, settings.RoundNonce, self, graphSeed),
            Signature = [],
        };
        return unsigned with { Signature = identity.Sign(SignedContent.Of(unsigned)) };
    }

    /// <summary>
    /// The collected keys: in a full round the site's share bundles at once; in a sparse round the graph seed it committed
    /// to, once every advert (and so every commitment) is checked: the graph needs every advertiser's seed.
    /// </summary>
    public ISecureRoundMessage OnKeysCollected(MaskingKeysCollected keys)
    {
        var listed = new HashSet<string>();
        var all = new Dictionary<string, MaskingKeysAdvertised>();
        foreach (var advert in keys.Adverts)
        {
            if (!listed.Add(advert.SiteId)) throw new SecureRoundException($"site {advert.SiteId} advertised keys twice");
            // The graph is not drawn yet in a sparse round: every advert's commitment goes into it, so every advert is checked.
            if (drawn is not null && advert.SiteId != self && !Graph.AreNeighbours(self, advert.SiteId)) continue;
            Check(advert);
            if (!SameDigest(opening, advert.GraphDigest))
                throw new SecureRoundException($"site {advert.SiteId} signed keys for another masking graph than the one this site was shown: " +
                    "the coordinator showed the round differently to different sites");
            if (opening is not null && advert.SeedCommitment is not { Length: 32 })
                throw new SecureRoundException($"site {advert.SiteId} committed to no graph seed in its keys; a sparse round needs every advertiser's");
            all[advert.SiteId] = advert;
        }
        if (!all.TryGetValue(self, out var mine) || !mine.MaskingKey.AsSpan().SequenceEqual(KeyAgreement.PublicKey(maskingKey)))
            throw new SecureRoundException($"our own keys are missing or altered in the collected set");
        var parties = Parties(listed);
        if (parties.Count < minParticipants)
            throw new SecureRoundException($"site policy: {parties.Count} sites in the round, this site takes part only with at least {minParticipants} " +
                "(with fewer, the others' updates can be inferred)");
        if (parties.Count < settings.Threshold) throw new SecureRoundException($"{parties.Count} sites advertised keys, the threshold is {settings.Threshold}");
        if (drawn is not null)
        {
            foreach (var (site, advert) in all) adverts[site] = advert;
            return Share(parties);
        }
        collected = all;
        var unsigned = new GraphSeedRevealed { JobId = job, Round = round, RoundNonce = settings.RoundNonce, SiteId = self, Seed = graphSeed!, Signature = [] };
        return unsigned with { Signature = identity.Sign(SignedContent.Of(unsigned)) };
    }

    /// <summary>
    /// Sparse rounds: every advertiser's seed, each checked against its signed commitment, draws the graph; then the site
    /// shares its secrets among itself and its neighbours on it. A set that misses an advertiser or adds a site is refused:
    /// a coordinator able to drop a seed after seeing the others could choose among graphs.
    /// </summary>
    public SharesSubmitted OnSeedsRevealed(GraphSeedsRevealed revealed)
    {
        if (collected is null) throw new SecureRoundException("graph seeds arrived before the collected keys, or in a full round");
        var seeds = new Dictionary<string, byte[]>();
        foreach (var reveal in revealed.Reveals)
        {
            if (!collected.TryGetValue(reveal.SiteId, out var advert))
                throw new SecureRoundException(
                    $"the coordinator relayed a graph seed of {reveal.SiteId}, which is not among the sites whose keys it collected");
            if (!seeds.TryAdd(reveal.SiteId, reveal.Seed)) throw new SecureRoundException($"site {reveal.SiteId} revealed its graph seed twice");
            Check(reveal);
            if (!MaskingGraph.OpensCommitment(advert.SeedCommitment, job, round, settings.RoundNonce, reveal.SiteId, reveal.Seed))
                throw new SecureRoundException($"the graph seed of {reveal.SiteId} does not match the commitment in its keys");
        }
        var missing = collected.Keys.Where(s => !seeds.ContainsKey(s)).Order(StringComparer.Ordinal).ToList();
        if (missing.Count > 0)
            throw new SecureRoundException($"the coordinator relayed no graph seed of {string.Join(", ", missing)}, whose keys it collected: " +
                "the graph must be drawn from every advertiser's seed");
        if (!seeds[self].AsSpan().SequenceEqual(graphSeed)) throw new SecureRoundException("our own graph seed is altered in the relayed set");
        drawn = MaskingGraph.Of(settings, job, round, seeds.Select(p => (p.Key, p.Value)));
        // From here on only neighbours' keys are used, as in a round whose graph was known from the start.
        foreach (var (site, advert) in collected.Where(a => a.Key == self || Graph.AreNeighbours(self, a.Key))) adverts[site] = advert;
        var parties = Parties(collected.Keys);
        collected = null;
        return Share(parties);
    }

    private SharesSubmitted Share(List<string> parties)
    {
        var holders = Graph.Holders(self, parties);
        if (holders.Count < settings.Threshold)
            throw new SecureRoundException($"{holders.Count} of this site and its neighbours advertised keys, the threshold is {settings.Threshold}: " +
                "its masks could not be removed");
        var points = holders.Max(h => h.Point);
        var seedShares = ShamirSharing.Split(selfSeed, points, settings.Threshold);
        var keyShares = ShamirSharing.Split(KeyAgreement.PrivateScalar(maskingKey), points, settings.Threshold);
        var shares = new List<EncryptedShare>();
        foreach (var (holder, point) in holders)
        {
            var bundle = new ShareBundle(seedShares[point - 1], keyShares[point - 1]);
            if (holder == self) { received[self] = bundle; continue; }
            var box = SealedBox.Seal(adverts[holder].EncryptionKey, bundle.ToBytes(),
                SignedContent.Context("share", job, round, settings.RoundNonce, self, holder));
            shares.Add(new EncryptedShare { To = holder, Box = ToPayload(box) });
        }
        var unsigned = new SharesSubmitted
        {
            JobId = job, Round = round, RoundNonce = settings.RoundNonce, SiteId = self, Shares = shares, GraphDigest = Graph.Digest, Signature = [],
        };
        return unsigned with { Signature = identity.Sign(SignedContent.Of(unsigned)) };
    }

    /// <summary>Masks the site's fixed-point input (already encoded, see <see cref="FixedPointRing"/>) and seals it for the coordinator.</summary>
    public MaskedUpdateSubmitted OnSharesRelayed(SharesRelayed relayed, ulong[] input, double trainLoss, string device, PrivacySpent? privacy)
    {
        var senders = new List<string>();
        foreach (var bundle in relayed.Bundles)
        {
            if (bundle.SiteId != self && !Graph.AreNeighbours(self, bundle.SiteId)) { senders.Add(bundle.SiteId); continue; }
            Check(bundle);
            if (!adverts.ContainsKey(bundle.SiteId)) throw new SecureRoundException($"site {bundle.SiteId} shared without advertising keys");
            // A neighbour that drew another graph (the coordinator showed it other adverts or seeds) signed another digest:
            // the check the keys step made when the graph was fixed at opening, made where the graph is now fixed. Shares
            // already went to this site's neighbours, but on a graph its own fresh seed randomised; its input leaves only now.
            if (!SameDigest(Graph.Digest, bundle.GraphDigest))
                throw new SecureRoundException($"site {bundle.SiteId} shared for another masking graph than the one this site drew: " +
                    "the coordinator showed the round differently to different sites");
            senders.Add(bundle.SiteId);
            if (bundle.SiteId == self) continue;
            var mine = bundle.Shares.Where(s => s.To == self).ToList();
            if (mine.Count != 1) throw new SecureRoundException($"site {bundle.SiteId} sent {mine.Count} share bundles for this site, expected one");
            try
            {
                var bytes = SealedBox.Open(encryptionKey, FromPayload(mine[0].Box),
                    SignedContent.Context("share", job, round, settings.RoundNonce, bundle.SiteId, self));
                received[bundle.SiteId] = ShareBundle.FromBytes(bytes);
            }
            catch (Exception e) when (e is CryptographicException or FormatException)
            {
                throw new SecureRoundException($"the share bundle from {bundle.SiteId} does not open: {e.Message}");
            }
        }
        sharers = Parties(senders);
        if (!sharers.Contains(self)) throw new SecureRoundException("our own shares are missing from the relayed set");
        if (sharers.Count < settings.Threshold) throw new SecureRoundException($"{sharers.Count} sites shared, the threshold is {settings.Threshold}");
        if (sharers.Count < minParticipants)
            throw new SecureRoundException(
                $"site policy: {sharers.Count} sites shared, this site sends its masked update only among at least {minParticipants}");

        var masks = new List<(byte[] Seed, bool Subtract)> { (selfSeed, false) };
        foreach (var other in Graph.NeighboursOf(self, sharers))
            masks.Add(
                (PairwiseMask.Seed(maskingKey, adverts[other].MaskingKey, job, round, settings.RoundNonce, self, other), !PairwiseMask.Adds(self, other)));
        var wire = SecureRing.Of(settings).MaskToWire(input, masks);
        foreach (var (seed, _) in masks.Skip(1)) CryptographicOperations.ZeroMemory(seed);
        var box = SealedBox.SealInPlace(settings.CoordinatorKey, wire, SignedContent.Context("masked", job, round, settings.RoundNonce, self));
        var unsigned = new MaskedUpdateSubmitted
        {
            JobId = job, Round = round, RoundNonce = settings.RoundNonce, SiteId = self, Box = ToPayload(box),
            TrainLoss = trainLoss, Device = device, Privacy = privacy, Signature = [],
        };
        return unsigned with { Signature = identity.Sign(SignedContent.Of(unsigned)) };
    }

    public UnmaskingSharesSubmitted OnUnmaskingRequested(UnmaskingRequested request)
    {
        var survivors = request.Survivors.ToHashSet();
        var dropped = request.Dropped.ToHashSet();
        if (survivors.Overlaps(dropped))
            throw new SecureRoundException("the coordinator asked for both secrets of one site; refusing (that would reveal its update)");
        if (!survivors.Union(dropped).ToHashSet().SetEquals(sharers))
            throw new SecureRoundException("survivors and dropped sites do not match the sites that shared");
        if (!survivors.Contains(self)) throw new SecureRoundException("this site is not listed as a survivor");
        if (survivors.Count < settings.Threshold) throw new SecureRoundException($"{survivors.Count} survivors, the threshold is {settings.Threshold}");
        // The sum is over the survivors: with fewer than the site's minimum, revealing would let the others infer its update.
        if (survivors.Count < minParticipants)
            throw new SecureRoundException($"site policy: {survivors.Count} survivors, this site helps unmask a sum only of at least {minParticipants} (with " +
                "fewer, the others' updates can be inferred)");
        // Only what this site holds: every sharer's in the full graph, its own and its neighbours' in a sparse one.
        var reveal = survivors.Where(received.ContainsKey).Select(s => new RevealedShare(s, false, received[s].SelfSeed))
            .Concat(dropped.Where(received.ContainsKey).Select(d => new RevealedShare(d, true, received[d].MaskingKey))).ToList();
        var box = SealedBox.Seal(settings.CoordinatorKey, RevealedShares.ToBytes(reveal),
            SignedContent.Context("unmask", job, round, settings.RoundNonce, self));
        var unsigned = new UnmaskingSharesSubmitted
        {
            JobId = job, Round = round, RoundNonce = settings.RoundNonce, SiteId = self,
            Box = ToPayload(box), Signature = []
        };
        return unsigned with { Signature = identity.Sign(SignedContent.Of(unsigned)) };
    }

    private void Check(ISecureRoundMessage message)
    {
        if (message.JobId != job || message.Round != round || !message.RoundNonce.AsSpan().SequenceEqual(settings.RoundNonce))
            throw new SecureRoundException($"a message from {message.SiteId} belongs to another round (replayed?)");
        if (!trusted.TryGetValue(message.SiteId, out var key))
            throw new SecureRoundException($"site {message.SiteId} is not a registered member of the consortium");
        if (!SigningKey.Verify(key, SignedContent.Of(message), message.Signature))
            throw new SecureRoundException($"the signature of {message.SiteId} on {message.GetType().Name} does not verify");
    }

    private static bool SameDigest(byte[]? ours, byte[]? theirs) => ours is null ? theirs is null : theirs is not null && theirs.AsSpan().SequenceEqual(ours);

    private static List<string> Parties(IEnumerable<string> sites) => sites.Distinct().Order(StringComparer.Ordinal).ToList();

    public static SealedPayload ToPayload(Sealed box) =>
        new() { EphemeralPublicKey = box.EphemeralPublicKey, Nonce = box.Nonce, Ciphertext = box.Ciphertext, Tag = box.Tag };

    public static Sealed FromPayload(SealedPayload p) => new(p.EphemeralPublicKey, p.Nonce, p.Ciphertext, p.Tag);

    public void Dispose()
    {
        encryptionKey.Dispose();
        maskingKey.Dispose();
        CryptographicOperations.ZeroMemory(selfSeed);
        if (graphSeed is not null) CryptographicOperations.ZeroMemory(graphSeed);
    }
}
