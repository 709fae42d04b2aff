using System.Security.Cryptography;
using FedHealth.Contracts;
using FedHealth.Learning.Jobs;
using FedHealth.Privacy.Crypto;
using FedHealth.Privacy.SecureAggregation;
using FedHealth.Tests.Coordinator;

namespace FedHealth.Tests.Privacy;

/// <summary>
/// SecAgg+ on a genuinely sparse graph: sixteen sites, each masking with six neighbours and sharing its secrets among
/// itself and them with threshold 4. Sites that are not neighbours never exchange a share or a mask. The graph is
/// drawn from every site's revealed seed, so each test reads it from the seeds the round relayed.
/// </summary>
public sealed class SparseMaskingTests : IDisposable
{
    private const int Length = 101;
    private static readonly string[] Sites = Enumerable.Range(1, 16).Select(i => $"H{i:D2}").ToArray();
    private readonly Guid job = Guid.NewGuid();
    private readonly Dictionary<string, SigningKey> identities = Sites.ToDictionary(s => s, _ => SigningKey.Create());
    private readonly ECDiffieHellman coordinatorKey = KeyAgreement.NewKey();
    private readonly SecureRoundSettings settings;
    private readonly Dictionary<string, ulong[]> inputs;

    public SparseMaskingTests()
    {
        settings = new SecureRoundSettings
        {
            RoundNonce = RandomNumberGenerator.GetBytes(16), Threshold = 4, CoordinatorKey = KeyAgreement.PublicKey(coordinatorKey),
            Graph = "sparse", Neighbours = 6, Roster = Sites,
        };
        var random = new Random(3);
        inputs = Sites.ToDictionary(s => s, _ => Enumerable.Range(0, Length).Select(_ => FixedPointRing.Encode(random.NextDouble() * 20 - 10)).ToArray());
    }

    private IReadOnlyDictionary<string, byte[]> Trusted => identities.ToDictionary(p => p.Key, p => p.Value.PublicKey);

    [Fact]
    public void The_graph_is_six_regular_symmetric_and_the_same_for_every_party_but_another_attempts_differs()
    {
        var seeds = Sites.Select(s => (s, RandomNumberGenerator.GetBytes(MaskingGraph.SeedLength))).ToList();
        var graph = MaskingGraph.Of(settings, job, 1, seeds);
        foreach (var site in Sites)
        {
            var mine = graph.NeighboursOf(site, Sites).ToList();
            Assert.Equal(6, mine.Count);
            Assert.DoesNotContain(site, mine);
            Assert.All(mine, other => Assert.True(graph.AreNeighbours(other, site)));
        }
        var again = MaskingGraph.Of(settings with { Roster = Sites.Reverse().ToList() }, job, 1, Enumerable.Reverse(seeds));
        Assert.All(Sites, s => Assert.Equal(graph.NeighboursOf(s, Sites), again.NeighboursOf(s, Sites)));
        Assert.Equal(graph.Digest, again.Digest);
        var retried = MaskingGraph.Of(settings with { RoundNonce = RandomNumberGenerator.GetBytes(16) }, job, 1, seeds);
        Assert.NotEqual(graph.Digest, retried.Digest);
        Assert.Contains(Sites, s => !graph.NeighboursOf(s, Sites).SequenceEqual(retried.NeighboursOf(s, Sites)));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(3)]
    public void The_coordinator_recovers_exactly_the_survivors_sum_with_up_to_three_sites_dropping_after_sharing(int dropouts)
    {
        // With six neighbours and threshold 4, any three dropouts leave every secret that is needed four holders.
        var (server, clients, shares, graph) = RunToMasking(_ => Sites.Reverse().Take(dropouts).ToHashSet());
        Assert.All(shares, s => Assert.Equal(graph.NeighboursOf(s.SiteId, Sites).Order(), s.Shares.Select(x => x.To).Order()));
        var request = server.CloseMasked();
        foreach (var site in request.Survivors) Assert.Null(server.Accept(clients[site].OnUnmaskingRequested(request)));
        Assert.True(server.CanFinish);
        var expected = new ulong[Length];
        foreach (var site in request.Survivors) for (var i = 0; i < Length; i++) expected[i] += inputs[site][i];
        Assert.Equal(expected, server.Finish());
    }

    [Fact]
    public void A_round_whose_site_keeps_fewer_than_the_threshold_of_its_holders_is_abandoned_by_name()
    {
        var victim = Sites[0];
        var (server, _, _, _) = RunToMasking(graph => graph.NeighboursOf(victim, Sites).Take(4).ToHashSet());
        var e = Assert.Throws<SecureRoundException>(() => server.CloseMasked());
        Assert.Contains($"only 3 of {victim} and its neighbours sent masked updates, the threshold is 4", e.Message);
    }

    [Fact]
    public void A_site_shown_another_roster_and_a_site_claiming_other_neighbours_are_refused()
    {
        var clients = Sites.ToDictionary(s => s, s => new SecureRoundClient(s, identities[s], Trusted, job, 1, settings, 3));
        var server = new SecureRoundServer(job, 1, settings, Sites, Trusted, coordinatorKey, Length);
        // The coordinator shows one site a roster without the others' honest neighbours: its advert signs another graph.
        var misled = new SecureRoundClient(Sites[0], identities[Sites[0]], Trusted, job, 1, settings with { Roster = Sites.Take(8).ToList() }, 3);
        Assert.Contains("another masking graph", server.Accept(misled.Advertise()));
        foreach (var s in Sites) Assert.Null(server.Accept(clients[s].Advertise()));
        var collected = server.CloseKeys();
        var e = Assert.Throws<SecureRoundException>(() => misled.OnKeysCollected(collected));
        Assert.Contains("signed keys for another masking graph than the one this site was shown", e.Message);

        // A site that shares with sites that are not its neighbours (or leaves one out) is refused by the coordinator.
        var honest = SecureSteps.SharesOf(server, collected, clients, out var seeds)[Sites[1]];
        var graph = Drawn(seeds);
        var stranger = Sites.First(s => s != Sites[1] && !graph.AreNeighbours(Sites[1], s));
        var lying = honest with { Shares = [.. honest.Shares.Skip(1), honest.Shares[0] with { To = stranger }] };
        lying = lying with { Signature = identities[Sites[1]].Sign(SignedContent.Of(lying)) };
        Assert.Contains("expected one for each of", server.Accept(lying));
        Assert.Null(server.Accept(honest));
    }

    [Fact]
    public void A_share_revealed_at_another_holders_point_or_for_a_site_it_does_not_hold_is_refused()
    {
        var (server, clients, _, graph) = RunToMasking(_ => new HashSet<string>());
        var request = server.CloseMasked();
        var revealer = Sites[2];
        var answer = clients[revealer].OnUnmaskingRequested(request);
        var shares = RevealedShares.FromBytes(SealedBox.Open(coordinatorKey, SecureRoundClient.FromPayload(answer.Box),
            SignedContent.Context("unmask", job, 1, settings.RoundNonce, revealer)));
        Assert.Equal(graph.NeighboursOf(revealer, Sites).Append(revealer).Order(), shares.Select(s => s.Owner).Order());
        var moved = shares.Select((s, i) => i == 0 ? s with { Share = s.Share with { X = (byte)(s.Share.X % 7 + 1) } } : s).ToList();
        Assert.Contains("which is not the one it was given", server.Accept(Resealed(answer, moved)));
        var other = Sites.First(s => s != revealer && !graph.AreNeighbours(revealer, s));
        Assert.Contains("which is not the one it was given", server.Accept(Resealed(answer, [.. shares, shares[0] with { Owner = other }])));
        Assert.Null(server.Accept(answer));
    }

    [Fact]
    public void A_job_spec_states_a_sparse_graphs_degree_and_a_threshold_above_half_of_each_neighbourhood()
    {
        var spec = JobFixtures.Spec() with
        {
            SecureAggregation = true,
            SecureAggregationGraph = "sparse",
            SecureAggregationNeighbours = 6,
            SecureAggregationThreshold = 4,
        };
        Assert.Empty(SecureGraphRules.Problems(spec));
        string ProblemsOf(JobSpec changed) => string.Join("|", SecureGraphRules.Problems(changed));
        Assert.Contains("secureAggregationThreshold: 3 must be more than half of a site and its 6 neighbours and at most all of them (4..7)",
            ProblemsOf(spec with { SecureAggregationThreshold = 3 }));
        Assert.Contains("secureAggregationNeighbours: 5 must be an even number from 2 to 254", ProblemsOf(spec with { SecureAggregationNeighbours = 5 }));
        Assert.Contains("secureAggregationGraph: 'ring' is not \"full\" or \"sparse\"", ProblemsOf(spec with { SecureAggregationGraph = "ring" }));
        Assert.Contains("apply to secureAggregationGraph \"sparse\" only", ProblemsOf(spec with { SecureAggregationGraph = "full" }));
        Assert.Contains("secureAggregationGraph: a sparse masking graph needs secureAggregation", ProblemsOf(spec with { SecureAggregation = false }));
    }

    [Theory]
    [InlineData(0.05, 0.10)]
    [InlineData(0.10, 0.10)]
    [InlineData(0.0, 0.05)]
    public void Bell_et_al_s_parameters_keep_a_sites_secrets_apart_and_grow_far_slower_than_the_sites(double corrupt, double dropouts)
    {
        var chosen = new[] { 50, 100, 200, 500, 1000 }.Select(n => (N: n, Graph: SparseGraphParameters.For(n, corrupt, dropouts))).ToList();
        Assert.All(chosen, c =>
        {
            var (k, t) = Assert.NotNull(c.Graph);
            Assert.True(k % 2 == 0 && k < c.N - 1, $"k = {k} at n = {c.N}");
            Assert.True(2 * t > k + 1 && t <= k, $"t = {t}, k = {k}");
            Assert.Empty(SecureGraphRules.Problems(JobFixtures.Spec() with
            {
                SecureAggregation = true,
                SecureAggregationGraph = "sparse",
                SecureAggregationNeighbours = k,
                SecureAggregationThreshold = t,
            }));
        });
        // Ten times the sites (100 to 1,000), less than a third of ten times the neighbours.
        Assert.True(chosen[^1].Graph!.Value.Neighbours * 3 < 10 * chosen[1].Graph!.Value.Neighbours);
        Assert.Null(SparseGraphParameters.For(3, corrupt, dropouts));
    }

    private UnmaskingSharesSubmitted Resealed(UnmaskingSharesSubmitted answer, IReadOnlyList<RevealedShare> shares)
    {
        var box = SealedBox.Seal(settings.CoordinatorKey, RevealedShares.ToBytes(shares),
            SignedContent.Context("unmask", job, 1, settings.RoundNonce, answer.SiteId));
        var unsigned = answer with { Box = SecureRoundClient.ToPayload(box) };
        return unsigned with { Signature = identities[answer.SiteId].Sign(SignedContent.Of(unsigned)) };
    }

    private MaskingGraph Drawn(GraphSeedsRevealed? seeds)
    {
        Assert.NotNull(seeds);
        return MaskingGraph.Of(settings, job, 1, seeds.Reveals.Select(r => (r.SiteId, r.Seed)));
    }

    /// <param name="dropAfterSharing">Who drops after sharing, chosen once the graph is drawn.</param>
    private (SecureRoundServer Server, Dictionary<string, SecureRoundClient> Clients, List<SharesSubmitted> Shares, MaskingGraph Graph) RunToMasking(
        Func<MaskingGraph, IReadOnlySet<string>> dropAfterSharing)
    {
        var clients = Sites.ToDictionary(s => s, s => new SecureRoundClient(s, identities[s], Trusted, job, 1, settings, 3));
        var server = new SecureRoundServer(job, 1, settings, Sites, Trusted, coordinatorKey, Length, minSites: 3);
        foreach (var s in Sites) Assert.Null(server.Accept(clients[s].Advertise()));
        var shares = SecureSteps.SharesOf(server, server.CloseKeys(), clients, out var seeds).Values.ToList();
        var graph = Drawn(seeds);
        foreach (var s in shares) Assert.Null(server.Accept(s));
        var relayed = server.CloseShares();
        var dropped = dropAfterSharing(graph);
        foreach (var s in Sites.Where(s => !dropped.Contains(s)))
            Assert.Null(server.Accept(clients[s].OnSharesRelayed(relayed, inputs[s], 0.5, "cpu", null)));
        return (server, clients, shares, graph);
    }

    public void Dispose()
    {
        coordinatorKey.Dispose();
        foreach (var i in identities.Values) i.Dispose();
    }
}
