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
    private readonly MaskingGraph graph;
    private List<string> sharers = [];

    public SecureRoundClient(string self, SigningKey identity, IReadOnlyDictionary<string, byte[]> trusted, Guid job, int round,
        SecureRoundSettings settings, int minParticipants)
    {
        (this.self, this.identity, this.trusted, this.job, this.round, this.settings, this.minParticipants) =
            (self, identity, trusted, job, round, settings, minParticipants);
        graph = MaskingGraph.Of(settings, job, round);
    }

    public MaskingKeysAdvertised Advertise()
    {
        var unsigned = new MaskingKeysAdvertised
        {
            JobId = job, Round = round, RoundNonce = settings.RoundNonce, SiteId = self,
            EncryptionKey = KeyAgreement.PublicKey(encryptionKey), MaskingKey = KeyAgreement.PublicKey(maskingKey), GraphDigest = graph.Digest,
            Signature = [],
        };
        return unsigned with { Signature = identity.Sign(SignedContent.Of(unsigned)) };
    }

    public SharesSubmitted OnKeysCollected(MaskingKeysCollected collected)
    {
        var listed = new HashSet<string>();
        foreach (var advert in collected.Adverts)
        {
            if (!listed.Add(advert.SiteId)) throw new SecureRoundException($"site {advert.SiteId} advertised keys twice");
            // In a sparse round only neighbours' keys are used, so only theirs are checked: a site's work grows with k, not n.
            if (advert.SiteId != self && !graph.AreNeighbours(self, advert.SiteId)) continue;
            Check(advert);
            if (!SameGraph(advert.GraphDigest))
                throw new SecureRoundException($"site {advert.SiteId} signed keys for another masking graph than the one this site was shown: " +
                    "the coordinator showed the round differently to different sites");
            adverts[advert.SiteId] = advert;
        }
        if (!adverts.TryGetValue(self, out var mine) || !mine.MaskingKey.AsSpan().SequenceEqual(KeyAgreement.PublicKey(maskingKey)))
            throw new SecureRoundException($"our own keys are missing or altered in the collected set");
        var parties = Parties(listed);
        if (parties.Count < minParticipants)
            throw new SecureRoundException($"site policy: {parties.Count} sites in the round, this site takes part only with at least {minParticipants} " +
                "(with fewer, the others' updates can be inferred)");
        if (parties.Count < settings.Threshold) throw new SecureRoundException($"{parties.Count} sites advertised keys, the threshold is {settings.Threshold}");
        var holders = graph.Holders(self, parties);
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
        var unsigned = new SharesSubmitted { JobId = job, Round = round, RoundNonce = settings.RoundNonce, SiteId = self, Shares = shares, Signature = [] };
        return unsigned with { Signature = identity.Sign(SignedContent.Of(unsigned)) };
    }

    /// <summary>Masks the site's fixed-point input (already encoded, see <see cref="FixedPointRing"/>) and seals it for the coordinator.</summary>
    public MaskedUpdateSubmitted OnSharesRelayed(SharesRelayed relayed, ulong[] input, double trainLoss, string device, PrivacySpent? privacy)
    {
        var senders = new List<string>();
        foreach (var bundle in relayed.Bundles)
        {
            if (bundle.SiteId != self && !graph.AreNeighbours(self, bundle.SiteId)) { senders.Add(bundle.SiteId); continue; }
            Check(bundle);
            if (!adverts.ContainsKey(bundle.SiteId)) throw new SecureRoundException($"site {bundle.SiteId} shared without advertising keys");
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
        foreach (var other in graph.NeighboursOf(self, sharers))
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

    private bool SameGraph(byte[]? digest) => graph.Digest is null ? digest is null : digest is not null && digest.AsSpan().SequenceEqual(graph.Digest);

    private static List<string> Parties(IEnumerable<string> sites) => sites.Distinct().Order(StringComparer.Ordinal).ToList();

    public static SealedPayload ToPayload(Sealed box) =>
        new() { EphemeralPublicKey = box.EphemeralPublicKey, Nonce = box.Nonce, Ciphertext = box.Ciphertext, Tag = box.Tag };

    public static Sealed FromPayload(SealedPayload p) => new(p.EphemeralPublicKey, p.Nonce, p.Ciphertext, p.Tag);

    public void Dispose()
    {
        encryptionKey.Dispose();
        maskingKey.Dispose();
        CryptographicOperations.ZeroMemory(selfSeed);
    }
}
