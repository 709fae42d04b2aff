using System.Security.Cryptography;
using FedHealth.Contracts;
using FedHealth.Privacy.Crypto;
using FedHealth.Privacy.SecureAggregation;

namespace FedHealth.Tests.Privacy;

/// <summary>
/// The sparse graph's commit-and-reveal: eight sites with four neighbours each and threshold 3. Each site commits to a
/// fresh seed in its signed keys and reveals it once every advert is collected; the graph is drawn from all seeds, so
/// the coordinator, which picks the nonce, cannot pick the graph, and every way of bending the seeds is refused by name.
/// </summary>
public sealed class GraphSeedTests : IDisposable
{
    private const int Length = 31;
    private static readonly string[] Sites = Enumerable.Range(1, 8).Select(i => $"H{i:D2}").ToArray();
    private readonly Guid job = Guid.NewGuid();
    private readonly Dictionary<string, SigningKey> identities = Sites.ToDictionary(s => s, _ => SigningKey.Create());
    private readonly ECDiffieHellman coordinatorKey = KeyAgreement.NewKey();
    private readonly SecureRoundSettings settings;
    private readonly List<SecureRoundClient> made = [];

    public GraphSeedTests() => settings = new SecureRoundSettings
    {
        RoundNonce = RandomNumberGenerator.GetBytes(16), Threshold = 3, CoordinatorKey = KeyAgreement.PublicKey(coordinatorKey),
        Graph = MaskingGraph.Sparse, Neighbours = 4, Roster = Sites,
    };

    private IReadOnlyDictionary<string, byte[]> Trusted => identities.ToDictionary(p => p.Key, p => p.Value.PublicKey);

    [Fact]
    public void A_sparse_round_draws_its_graph_from_every_revealed_seed_and_sums_exactly()
    {
        var (server, clients, collected) = OpenedRound(settings);
        Assert.All(collected.Adverts, a => Assert.Equal(32, a.SeedCommitment?.Length));
        Assert.Equal(SecurePhase.Seeds, server.Phase);
        var shares = SecureSteps.SharesOf(server, collected, clients, out var seeds);
        Assert.Equal(Sites, seeds!.Reveals.Select(r => r.SiteId));
        var graph = Drawn(settings, seeds);
        Assert.All(shares.Values, s => Assert.Equal(graph.Digest, s.GraphDigest));
        foreach (var s in shares.Values) Assert.Null(server.Accept(s));
        var relayed = server.CloseShares();
        var random = new Random(5);
        var inputs = Sites.ToDictionary(s => s, _ => Enumerable.Range(0, Length).Select(_ => (ulong)random.NextInt64()).ToArray());
        // One site drops after sharing: its masks with its surviving neighbours are removed as before.
        foreach (var s in Sites.Skip(1)) Assert.Null(server.Accept(clients[s].OnSharesRelayed(relayed, inputs[s], 0.5, "cpu", null)));
        var request = server.CloseMasked();
        Assert.Equal([Sites[0]], request.Dropped);
        foreach (var s in request.Survivors) Assert.Null(server.Accept(clients[s].OnUnmaskingRequested(request)));
        var expected = new ulong[Length];
        foreach (var s in request.Survivors) for (var i = 0; i < Length; i++) expected[i] += inputs[s][i];
        Assert.Equal(expected, server.Finish());
    }

    [Fact]
    public void The_same_nonce_and_roster_give_another_graph_with_other_seeds_so_the_coordinator_alone_cannot_fix_it()
    {
        // The coordinator opens two attempts with the very same nonce and roster: the sites' fresh seeds still draw two graphs.
        var first = RunToSeeds(settings);
        var second = RunToSeeds(settings);
        Assert.NotEqual(first.Digest, second.Digest);
        Assert.Contains(Sites, s => !first.NeighboursOf(s, Sites).SequenceEqual(second.NeighboursOf(s, Sites)));

        // One site's seed alone changes the graph; the order the seeds come in does not.
        var seeds = Sites.Select(s => (s, RandomNumberGenerator.GetBytes(MaskingGraph.SeedLength))).ToList();
        var graph = MaskingGraph.Of(settings, job, 1, seeds);
        Assert.Equal(graph.Digest, MaskingGraph.Of(settings, job, 1, Enumerable.Reverse(seeds)).Digest);
        var oneChanged = seeds.Select((p, i) => i == 3 ? (p.s, RandomNumberGenerator.GetBytes(MaskingGraph.SeedLength)) : p);
        Assert.NotEqual(graph.Digest, MaskingGraph.Of(settings, job, 1, oneChanged).Digest);
    }

    [Fact]
    public void A_seed_that_does_not_match_its_commitment_is_refused_by_the_coordinator_and_every_site_naming_the_site()
    {
        var (server, clients, collected) = OpenedRound(settings);
        var reveals = Sites.ToDictionary(s => s, s => Assert.IsType<GraphSeedRevealed>(clients[s].OnKeysCollected(collected)));
        // H03 (or whoever holds its key) signs another seed than the one it committed to, after seeing the others'.
        var swapped = Signed(reveals["H03"] with { Seed = RandomNumberGenerator.GetBytes(MaskingGraph.SeedLength) });
        Assert.Equal("the graph seed H03 revealed does not match the commitment in its keys", server.Accept(swapped));
        var e = Assert.Throws<SecureRoundException>(() => clients["H01"].OnSeedsRevealed(Relayed(reveals.Values.Select(r => r.SiteId == "H03" ? swapped : r))));
        Assert.Equal("the graph seed of H03 does not match the commitment in its keys", e.Message);
    }

    [Fact]
    public void A_forged_or_unsigned_seed_is_refused_naming_the_site()
    {
        var (server, clients, collected) = OpenedRound(settings);
        var reveals = Sites.ToDictionary(s => s, s => Assert.IsType<GraphSeedRevealed>(clients[s].OnKeysCollected(collected)));
        var unsigned = reveals["H04"] with { Signature = [] };
        var forged = reveals["H04"] with { Signature = identities["H05"].Sign(SignedContent.Of(reveals["H04"])) };
        foreach (var bad in new[] { unsigned, forged })
        {
            Assert.Equal("the signature of H04 on GraphSeedRevealed is missing or does not verify", server.Accept(bad));
            var e = Assert.Throws<SecureRoundException>(() => clients["H01"].OnSeedsRevealed(Relayed(reveals.Values.Select(r => r.SiteId == "H04" ? bad : r))));
            Assert.Equal("the signature of H04 on GraphSeedRevealed does not verify", e.Message);
        }
    }

    [Fact]
    public void A_relayed_seed_set_missing_an_advertiser_or_adding_a_site_is_refused_by_name()
    {
        var (_, clients, collected) = OpenedRound(settings);
        // The coordinator shows H01 the keys of every site but H08, then relays H08's seed too (or another subset).
        var withoutH08 = collected with { Adverts = collected.Adverts.Where(a => a.SiteId != "H08").ToList() };
        var reveals = Sites.ToDictionary(s => s, s => Assert.IsType<GraphSeedRevealed>(clients[s].OnKeysCollected(s == "H01" ? withoutH08 : collected)));
        var extra = Assert.Throws<SecureRoundException>(() => clients["H01"].OnSeedsRevealed(Relayed(reveals.Values)));
        Assert.Equal("the coordinator relayed a graph seed of H08, which is not among the sites whose keys it collected", extra.Message);

        var missing = Assert.Throws<SecureRoundException>(() => clients["H02"].OnSeedsRevealed(Relayed(reveals.Values.Where(r => r.SiteId != "H05"))));
        Assert.StartsWith("the coordinator relayed no graph seed of H05, whose keys it collected", missing.Message);
    }

    [Fact]
    public void A_seed_replayed_from_another_attempt_is_refused_naming_the_site()
    {
        var (server, clients, collected) = OpenedRound(settings);
        var reveals = Sites.ToDictionary(s => s, s => Assert.IsType<GraphSeedRevealed>(clients[s].OnKeysCollected(collected)));
        var (_, earlierClients, earlierCollected) = OpenedRound(settings with { RoundNonce = RandomNumberGenerator.GetBytes(16) });
        var replayed = Assert.IsType<GraphSeedRevealed>(earlierClients["H06"].OnKeysCollected(earlierCollected));
        Assert.Equal("GraphSeedRevealed from H06 carries another round's nonce (replayed from an earlier attempt?)", server.Accept(replayed));
        var withReplayed = Relayed(reveals.Values.Select(r => r.SiteId == "H06" ? replayed : r));
        var e = Assert.Throws<SecureRoundException>(() => clients["H01"].OnSeedsRevealed(withReplayed));
        Assert.Equal("a message from H06 belongs to another round (replayed?)", e.Message);
    }

    [Fact]
    public void An_advertiser_that_never_reveals_fails_the_seed_step_by_name_instead_of_being_left_out()
    {
        var (server, clients, collected) = OpenedRound(settings);
        foreach (var s in Sites.Where(s => s != "H07")) Assert.Null(server.Accept(clients[s].OnKeysCollected(collected)));
        var e = Assert.Throws<SecureRoundException>(() => server.CloseSeeds());
        Assert.StartsWith("H07 advertised keys but did not reveal its graph seed", e.Message);
        Assert.Equal(SecurePhase.Seeds, server.Phase);
        Assert.Equal(["H07"], server.Expected.Except(server.Answered));
    }

    [Fact]
    public void A_neighbour_shown_other_seeds_draws_another_graph_and_its_shares_are_refused_by_the_coordinator_and_its_neighbours()
    {
        var (server, clients, collected) = OpenedRound(settings);
        // The coordinator shows H01 every key but H08's, so H01 draws its graph from seven seeds, the others from eight.
        var withoutH08 = collected with { Adverts = collected.Adverts.Where(a => a.SiteId != "H08").ToList() };
        var reveals = Sites.ToDictionary(s => s, s => Assert.IsType<GraphSeedRevealed>(clients[s].OnKeysCollected(s == "H01" ? withoutH08 : collected)));
        foreach (var r in reveals.Values) Assert.Null(server.Accept(r));
        var seeds = server.CloseSeeds();
        var graph = Drawn(settings, seeds);
        var misled = clients["H01"].OnSeedsRevealed(Relayed(reveals.Values.Where(r => r.SiteId != "H08")));
        Assert.NotEqual(graph.Digest, misled.GraphDigest);
        Assert.Equal("H01 shared for another masking graph than the one drawn from every advertiser's seed", server.Accept(misled));

        // A coordinator that relays it anyway: every neighbour of H01 on the graph it drew refuses before masking its input.
        var honest = Sites.Skip(1).ToDictionary(s => s, s => clients[s].OnSeedsRevealed(seeds));
        var relayed = new SharesRelayed { JobId = job, Round = 1, RoundNonce = settings.RoundNonce, Bundles = [misled, .. honest.Values] };
        var neighbour = graph.NeighboursOf("H01", Sites).First();
        var e = Assert.Throws<SecureRoundException>(() => clients[neighbour].OnSharesRelayed(relayed, new ulong[Length], 0.5, "cpu", null));
        Assert.StartsWith("site H01 shared for another masking graph than the one this site drew", e.Message);
    }

    private GraphSeedRevealed Signed(GraphSeedRevealed reveal) => reveal with { Signature = identities[reveal.SiteId].Sign(SignedContent.Of(reveal)) };

    private GraphSeedsRevealed Relayed(IEnumerable<GraphSeedRevealed> reveals) =>
        new() { JobId = job, Round = 1, RoundNonce = settings.RoundNonce, Reveals = reveals.OrderBy(r => r.SiteId, StringComparer.Ordinal).ToList() };

    private MaskingGraph Drawn(SecureRoundSettings round, GraphSeedsRevealed seeds) =>
        MaskingGraph.Of(round, job, 1, seeds.Reveals.Select(r => (r.SiteId, r.Seed)));

    private MaskingGraph RunToSeeds(SecureRoundSettings round)
    {
        var (server, clients, collected) = OpenedRound(round);
        SecureSteps.SharesOf(server, collected, clients, out var seeds);
        return Drawn(round, seeds!);
    }

    /// <summary>Every site advertised keys for <paramref name="round"/> and the coordinator collected them.</summary>
    private (SecureRoundServer Server, Dictionary<string, SecureRoundClient> Clients, MaskingKeysCollected Collected) OpenedRound(SecureRoundSettings round)
    {
        var clients = Sites.ToDictionary(s => s, s => new SecureRoundClient(s, identities[s], Trusted, job, 1, round, 3));
        made.AddRange(clients.Values);
        var server = new SecureRoundServer(job, 1, round, Sites, Trusted, coordinatorKey, Length, minSites: 3);
        foreach (var s in Sites) Assert.Null(server.Accept(clients[s].Advertise()));
        return (server, clients, server.CloseKeys());
    }

    public void Dispose()
    {
        foreach (var c in made) c.Dispose();
        coordinatorKey.Dispose();
        foreach (var i in identities.Values) i.Dispose();
    }
}
