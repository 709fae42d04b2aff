using System.Security.Cryptography;
using FedHealth.Contracts;
using FedHealth.Privacy.Crypto;
using FedHealth.Privacy.SecureAggregation;

namespace FedHealth.Tests.Privacy;

/// <summary>
/// Bonawitz et al. secure aggregation with five sites, driven step by step as the coordinator and sites run it, on the
/// full graph; <see cref="SparseGraphSecureAggregationTests"/> runs every test again on the sparse graph's code.
/// </summary>
public class SecureAggregationTests : IDisposable
{
    private const int Length = 257;
    protected static readonly string[] Sites = ["S1", "S2", "S3", "S4", "S5"];
    private readonly Guid job = Guid.NewGuid();
    private readonly Dictionary<string, SigningKey> identities = Sites.ToDictionary(s => s, _ => SigningKey.Create());
    private readonly ECDiffieHellman coordinatorKey = KeyAgreement.NewKey();
    private readonly SecureRoundSettings settings;
    private readonly Dictionary<string, ulong[]> inputs;
    private readonly List<MaskedUpdateSubmitted> sent = new();

    public SecureAggregationTests() : this(full => full) { }

    /// <param name="graph">The masking graph the round runs on, as it changes the full graph's settings.</param>
    protected SecureAggregationTests(Func<SecureRoundSettings, SecureRoundSettings> graph)
    {
        settings = graph(new SecureRoundSettings
        {
            RoundNonce = RandomNumberGenerator.GetBytes(16), Threshold = 3,
            CoordinatorKey = KeyAgreement.PublicKey(coordinatorKey)
        });
        var random = new Random(11);
        inputs = Sites.ToDictionary(s => s, _ => Enumerable.Range(0, Length).Select(_ => FixedPointRing.Encode(random.NextDouble() * 200 - 100)).ToArray());
    }

    private IReadOnlyDictionary<string, byte[]> Trusted => identities.ToDictionary(p => p.Key, p => p.Value.PublicKey);

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    public void The_coordinator_recovers_exactly_the_sum_of_the_survivors_inputs_with_sites_dropping_after_sharing(int dropouts)
    {
        var dropped = Sites.Take(dropouts).ToHashSet();
        var (server, clients) = RunToMasking(dropped);
        var request = server.CloseMasked();
        Assert.Equal(dropped.Order(), request.Dropped);
        foreach (var site in request.Survivors) Assert.Null(server.Accept(clients[site].OnUnmaskingRequested(request)));
        var sum = server.Finish();
        var expected = new ulong[Length];
        foreach (var site in request.Survivors) for (var i = 0; i < Length; i++) expected[i] += inputs[site][i];
        Assert.Equal(expected, sum);
        var decoded = FixedPointRing.Decode(sum[7]);
        Assert.Equal(request.Survivors.Sum(s => FixedPointRing.Decode(inputs[s][7])), decoded, 9);
    }

    [Fact]
    public void With_fewer_survivors_than_the_threshold_the_round_is_abandoned_cleanly()
    {
        var (server, _) = RunToMasking(Sites.Take(3).ToHashSet());
        var e = Assert.Throws<SecureRoundException>(() => server.CloseMasked());
        Assert.Contains("fewer than the threshold of 3", e.Message);
    }

    [Fact]
    public void No_step_closes_with_fewer_sites_than_the_jobs_minimum_though_the_threshold_would_allow_it()
    {
        // Five sites, threshold 3, minSites 4: two dropping after sharing leave three, enough for the threshold but
        // fewer than the job asked for. (With three sites and minSites 3 the threshold of 2 let a round close with two.)
        var (server, _) = RunToMasking(Sites.Take(2).ToHashSet(), minSites: 4);
        var e = Assert.Throws<SecureRoundException>(() => server.CloseMasked());
        Assert.Equal(
            "3 masked updates arrived, the job needs at least 4 (minSites): a sum of so few would single sites out, the round is abandoned", e.Message);

        var keysOnly = new SecureRoundServer(job, 1, settings, Sites, Trusted, coordinatorKey, Length, minSites: 4);
        foreach (var site in Sites.Take(3))
            Assert.Null(keysOnly.Accept(new SecureRoundClient(site, identities[site], Trusted, job, 1, settings, 3).Advertise()));
        Assert.Equal("3 sites advertised keys, the job needs at least 4 (minSites)", Assert.Throws<SecureRoundException>(() => keysOnly.CloseKeys()).Message);
    }

    [Fact]
    public void A_site_sends_its_masked_update_only_among_as_many_sharers_as_its_policy_requires()
    {
        // Two sites stop after the key step: a coordinator that ignores the job's minimum (or lies) still cannot make a
        // site with minParticipants 4 mask its update into a sum of three.
        var clients = Sites.ToDictionary(s => s, s => new SecureRoundClient(s, identities[s], Trusted, job, 1, settings, s == "S5" ? 4 : 3));
        var server = new SecureRoundServer(job, 1, settings, Sites, Trusted, coordinatorKey, Length);
        foreach (var s in Sites) Assert.Null(server.Accept(clients[s].Advertise()));
        var shares = SecureSteps.SharesOf(server, server.CloseKeys(), clients);
        foreach (var s in Sites.Skip(2)) Assert.Null(server.Accept(shares[s]));
        var relayed = server.CloseShares();
        var e = Assert.Throws<SecureRoundException>(() => clients["S5"].OnSharesRelayed(relayed, inputs["S5"], 0.5, "cpu", null));
        Assert.StartsWith("site policy: 3 sites shared, this site sends its masked update only among at least 4", e.Message);
    }

    [Fact]
    public void A_site_refuses_to_unmask_a_sum_of_fewer_survivors_than_its_policy_requires()
    {
        var (server, clients) = RunToMasking(Sites.Take(2).ToHashSet(), minParticipants: s => s == "S4" ? 4 : 3);
        var request = server.CloseMasked();
        var e = Assert.Throws<SecureRoundException>(() => clients["S4"].OnUnmaskingRequested(request));
        Assert.StartsWith("site policy: 3 survivors, this site helps unmask a sum only of at least 4", e.Message);
    }

    [Fact]
    public void A_masked_vector_alone_is_uncorrelated_with_the_update()
    {
        RunToMasking(new HashSet<string>());
        var masked = sent.Single(m => m.SiteId == "S2");
        var values = MaskedValues(masked);
        var x = inputs["S2"].Select(v => FixedPointRing.Decode(v)).ToArray();
        var y = values.Select(v => (double)v).ToArray();
        Assert.InRange(Correlation(x, y), -0.2, 0.2);
    }

    [Fact]
    public void Tampered_unsigned_replayed_and_foreign_messages_are_refused_with_a_reason_and_change_nothing()
    {
        var clients = Sites.ToDictionary(s => s, s => new SecureRoundClient(s, identities[s], Trusted, job, 1, settings, 3));
        var server = new SecureRoundServer(job, 1, settings, Sites, Trusted, coordinatorKey, Length);
        var advert = clients["S1"].Advertise();
        Assert.Contains("does not verify", server.Accept(advert with { MaskingKey = clients["S2"].Advertise().MaskingKey }));
        Assert.Contains("does not verify", server.Accept(advert with { Signature = [] }));
        Assert.Contains("another round's nonce", server.Accept(advert with { RoundNonce = new byte[16] }));
        Assert.Null(server.Accept(advert));
        Assert.Contains("already received (replayed)", server.Accept(advert));
        using var stranger = SigningKey.Create();
        var foreign = new SecureRoundClient("S9", stranger, new Dictionary<string, byte[]> { ["S9"] = stranger.PublicKey }, job, 1, settings, 3).Advertise();
        Assert.Contains("not a participant", server.Accept(foreign));
        foreach (var s in Sites.Skip(1)) Assert.Null(server.Accept(clients[s].Advertise()));
        var collected = server.CloseKeys();
        Assert.Equal(5, collected.Adverts.Count);

        var shares = SecureSteps.SharesOf(server, collected, clients)["S1"];
        var bentTag = shares.Shares[0].Box.Tag.ToArray();
        bentTag[0] ^= 1;
        Assert.Contains("does not verify",
            server.Accept(shares with { Shares = [shares.Shares[0] with { Box = shares.Shares[0].Box with { Tag = bentTag } }, .. shares.Shares.Skip(1)] }));
        Assert.Null(server.Accept(shares));
    }

    [Fact]
    public void Ciphertext_altered_in_transit_is_refused_by_whoever_opens_it()
    {
        var clients = Sites.ToDictionary(s => s, s => new SecureRoundClient(s, identities[s], Trusted, job, 1, settings, 3));
        var server = new SecureRoundServer(job, 1, settings, Sites, Trusted, coordinatorKey, Length);
        foreach (var s in Sites) Assert.Null(server.Accept(clients[s].Advertise()));
        var all = SecureSteps.SharesOf(server, server.CloseKeys(), clients);
        var fromS1 = all["S1"];
        var toS2 = fromS1.Shares.Single(x => x.To == "S2");
        var bent = toS2.Box.Ciphertext.ToArray();
        bent[3] ^= 0x40;
        var relayed = new SharesRelayed
        {
            JobId = job, Round = 1,
            Bundles = [fromS1 with { Shares = fromS1.Shares.Select(x => x.To == "S2" ? x with { Box = x.Box with { Ciphertext = bent } } : x).ToList() }],
        };
        var fromS2 = all["S2"];
        var e = Assert.Throws<SecureRoundException>(() => clients["S2"].OnSharesRelayed(relayed, inputs["S2"], 0.5, "cpu", null));
        Assert.Contains("from S1 does not open", e.Message);

        Assert.Null(server.Accept(fromS1));
        Assert.Null(server.Accept(fromS2));
        foreach (var s in Sites.Skip(2)) Assert.Null(server.Accept(all[s]));
        var ok = server.CloseShares();
        var masked = clients["S3"].OnSharesRelayed(ok, inputs["S3"], 0.5, "cpu", null);
        var flipped = masked.Box.Ciphertext.ToArray();
        flipped[^1] ^= 1;
        Assert.Contains("does not decrypt", server.Accept(masked with { Box = masked.Box with { Ciphertext = flipped } }));
        Assert.Null(server.Accept(masked));
    }

    [Fact]
    public void A_site_refuses_to_reveal_both_secrets_of_one_site_and_to_join_a_round_below_its_minimum()
    {
        var (server, clients) = RunToMasking(new HashSet<string>());
        var greedy = new UnmaskingRequested { JobId = job, Round = 1, Survivors = Sites, Dropped = ["S1"] };
        Assert.Contains("both secrets", Assert.Throws<SecureRoundException>(() => clients["S2"].OnUnmaskingRequested(greedy)).Message);

        var two = new[] { "S1", "S2" };
        var small = two.ToDictionary(s => s, s =>
            new SecureRoundClient(s, identities[s], Trusted, job, 2, settings with { Threshold = 2 }, minParticipants: 3));
        var collected = new MaskingKeysCollected { JobId = job, Round = 2, Adverts = two.Select(s => small[s].Advertise()).ToList() };
        Assert.Contains("site policy: 2 sites", Assert.Throws<SecureRoundException>(() => small["S1"].OnKeysCollected(collected)).Message);
    }

    [Fact]
    public void Masks_applied_range_by_range_on_all_cores_equal_masks_applied_whole()
    {
        var seeds = Enumerable.Range(0, 3).Select(_ => RandomNumberGenerator.GetBytes(32)).ToArray();
        var whole = new ulong[100_003];
        var ranged = new ulong[100_003];
        for (var i = 0; i < seeds.Length; i++) MaskExpander.Apply(seeds[i], whole, subtract: i == 1);
        MaskExpander.ApplyAll(seeds.Select((seed, i) => (seed, i == 1)).ToList(), ranged);
        Assert.Equal(whole, ranged);
    }

    [Fact]
    public void Shamir_shares_recover_from_any_threshold_subset_only()
    {
        var secret = RandomNumberGenerator.GetBytes(32);
        var shares = ShamirSharing.Split(secret, 5, 3);
        Assert.Equal(secret, ShamirSharing.Combine([shares[0], shares[2], shares[4]]));
        Assert.Equal(secret, ShamirSharing.Combine([shares[3], shares[1], shares[0]]));
        Assert.NotEqual(secret, ShamirSharing.Combine([shares[0], shares[1]]));
    }

    [Fact]
    public void Fixed_point_sums_are_exact_and_out_of_range_values_are_refused()
    {
        var values = new[] { 1.5, -2.25, 1e-7, 12345.678 };
        ulong sum = 0;
        foreach (var v in values) sum += FixedPointRing.Encode(v);
        Assert.Equal(values.Sum(v => Math.Round(v * FixedPointRing.Scale)) / FixedPointRing.Scale, FixedPointRing.Decode(sum), 12);
        Assert.Throws<OverflowException>(() => FixedPointRing.Encode(1e10));
        Assert.Throws<OverflowException>(() => FixedPointRing.Encode(double.NaN));
    }

    [Fact]
    public void A_sealed_box_opens_only_for_its_recipient_and_context()
    {
        using var recipient = KeyAgreement.NewKey();
        using var other = KeyAgreement.NewKey();
        var box = SealedBox.Seal(KeyAgreement.PublicKey(recipient), "update"u8, "job/1"u8);
        Assert.Equal("update"u8.ToArray(), SealedBox.Open(recipient, box, "job/1"u8));
        Assert.ThrowsAny<CryptographicException>(() => SealedBox.Open(other, box, "job/1"u8));
        Assert.ThrowsAny<CryptographicException>(() => SealedBox.Open(recipient, box, "job/2"u8));
        var bent = box with { Ciphertext = [(byte)(box.Ciphertext[0] ^ 1), .. box.Ciphertext[1..]] };
        Assert.ThrowsAny<CryptographicException>(() => SealedBox.Open(recipient, bent, "job/1"u8));
    }

    private (SecureRoundServer Server, Dictionary<string, SecureRoundClient> Clients) RunToMasking(IReadOnlySet<string> dropAfterSharing,
        int minSites = 0, Func<string, int>? minParticipants = null)
    {
        var clients = Sites.ToDictionary(s => s, s => new SecureRoundClient(s, identities[s], Trusted, job, 1, settings, minParticipants?.Invoke(s) ?? 3));
        var server = new SecureRoundServer(job, 1, settings, Sites, Trusted, coordinatorKey, Length, minSites);
        foreach (var s in Sites) Assert.Null(server.Accept(clients[s].Advertise()));
        var shares = SecureSteps.SharesOf(server, server.CloseKeys(), clients);
        foreach (var s in Sites) Assert.Null(server.Accept(shares[s]));
        var relayed = server.CloseShares();
        foreach (var s in Sites.Where(s => !dropAfterSharing.Contains(s)))
        {
            var masked = clients[s].OnSharesRelayed(relayed, inputs[s], 0.5, "cpu", null);
            sent.Add(masked);
            Assert.Null(server.Accept(masked));
        }
        return (server, clients);
    }

    private ulong[] MaskedValues(MaskedUpdateSubmitted masked)
    {
        var bytes = SealedBox.Open(coordinatorKey, SecureRoundClient.FromPayload(masked.Box),
            SignedContent.Context("masked", job, 1, settings.RoundNonce, masked.SiteId));
        return System.Runtime.InteropServices.MemoryMarshal.Cast<byte, ulong>(bytes).ToArray();
    }

    private static double Correlation(double[] x, double[] y)
    {
        double mx = x.Average(), my = y.Average();
        double sxy = 0, sxx = 0, syy = 0;
        for (var i = 0; i < x.Length; i++) { sxy += (x[i] - mx) * (y[i] - my); sxx += (x[i] - mx) * (x[i] - mx); syy += (y[i] - my) * (y[i] - my); }
        return sxy / Math.Sqrt(sxx * syy);
    }

    public void Dispose()
    {
        coordinatorKey.Dispose();
        foreach (var i in identities.Values) i.Dispose();
        GC.SuppressFinalize(this);
    }
}

/// <summary>
/// Every test of <see cref="SecureAggregationTests"/> on the sparse graph's code (SecAgg+): five sites with four
/// neighbours each and threshold 3, so the same dropouts, abandonment, tampering and replay give the same answers.
/// Genuinely sparse rounds (sites that never meet) are in <see cref="SparseMaskingTests"/>.
/// </summary>
public sealed class SparseGraphSecureAggregationTests() : SecureAggregationTests(full => full with { Graph = "sparse", Neighbours = 4, Roster = Sites });
