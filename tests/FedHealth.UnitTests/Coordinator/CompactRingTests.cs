using FedHealth.Contracts;
using FedHealth.Coordinator.Jobs;
using FedHealth.Learning.Jobs;
using FedHealth.Learning.Models;
using FedHealth.Privacy.SecureAggregation;
using FedHealth.SiteAgent;
using Microsoft.Extensions.Logging.Abstractions;
using FedHealth.Tests.Support;

namespace FedHealth.Tests.Coordinator;

/// <summary>
/// Secure aggregation in the 32-bit ring (<c>secureAggregationRingBits: 32</c>): a masked update is 4 bytes a value,
/// the size of a plain update, and the weighted average is still exact to float32, with a site dropping after sharing;
/// a site whose input would not fit the ring declines, saying why.
/// </summary>
[Collection(TorchCollection.Name)]
public sealed class CompactRingTests()
    : SecureJobTestBase(Sites, JobFixtures.Spec(rounds: 1, minSites: 3) with { SecureAggregation = true, SecureAggregationRingBits = 32 })
{
    private static readonly string[] Sites = ["A", "B", "C", "D"];

    [Fact]
    public void A_round_in_the_32_bit_ring_sends_4_bytes_a_value_and_recovers_the_weighted_average_without_a_dropped_site()
    {
        var settings = state.SecureSettings!;
        Assert.Equal((32, 12), (settings.RingBits, settings.FractionBits));
        var ring = SecureRing.Of(settings);
        var clients = Sites.ToDictionary(s => s, s => new SecureRoundClient(s, identities[s], keys.Trust.Sites, job, 1, settings, 3));
        foreach (var s in Sites) Decide(clients[s].Advertise());
        var collected = Assert.IsType<MaskingKeysCollected>(state.PendingBroadcast);
        foreach (var s in Sites) Decide(clients[s].OnKeysCollected(collected));
        var relayed = Assert.IsType<SharesRelayed>(state.PendingBroadcast);
        var weights = new Dictionary<string, (float Value, int Samples)> { ["A"] = (0.25f, 400), ["B"] = (-1.5f, 1200), ["C"] = (-3.125f, 900) };
        foreach (var s in weights.Keys)
        {
            var (value, samples) = weights[s];
            var input = Enumerable.Repeat(ring.Encode((double)value * samples, Sites.Length), JobFixtures.Layout.TotalCount)
                .Append(ring.Encode(samples, Sites.Length)).ToArray();
            var masked = clients[s].OnSharesRelayed(relayed, input, 0.5, "cpu", null);
            Assert.Equal(4 * (JobFixtures.Layout.TotalCount + 1), masked.Box.Ciphertext.Length);
            Decide(masked);
        }
        // D drops after sharing: its pairwise masks are rebuilt and removed, in 64 bits, and the sum read in 32.
        Take(state.OnDeadline(state.Step, state.Deadline));
        var request = Assert.IsType<UnmaskingRequested>(state.PendingBroadcast);
        foreach (var s in weights.Keys) if (state.Phase == JobPhase.Collecting) Decide(clients[s].OnUnmaskingRequested(request));

        var aggregated = journal.OfType<RoundAggregated>().Single();
        Assert.Equal(["A", "B", "C"], aggregated.Contributors);
        // A negative sum: the 32-bit result is read sign-extended.
        var expected = (0.25 * 400 - 1.5 * 1200 - 3.125 * 900) / 2500;
        Assert.All(FlatParameters.FromWeights(JobFixtures.Layout, aggregated.GlobalWeights).Values, v => Assert.Equal(expected, v, 6));
    }

    [Fact]
    public void A_site_whose_input_does_not_fit_the_32_bit_ring_declines_naming_the_bound_and_the_rules_refuse_other_rings()
    {
        var site = new SecureParticipation("A", new SiteSecurity(identities["A"], keys.Trust), 3, NullLogger.Instance);
        var round = new RoundStarted
        {
            JobId = job, Round = 1, Attempt = 1, Schema = "toy", FeatureNames = JobFixtures.Features, Model = JobFixtures.Model, Training = new TrainingPlan(),
            Seed = 1, GlobalWeights = state.GlobalWeights, Participants = Sites, Deadline = state.Deadline, SecureRound = state.SecureSettings,
        };
        // 200,000 rows × weight 3 is 600,000, over what each of four parties may add in ±2^19.
        var declined = Assert.IsType<RoundDeclined>(site.Advertise(round, JobFixtures.Update(job, 1, "A", [3, 3, 3], 200_000)));
        Assert.Contains("does not fit the round's secure sum", declined.Reason);
        Assert.Contains("32-bit ring", declined.Reason);
        Assert.IsType<MaskingKeysAdvertised>(site.Advertise(round, JobFixtures.Update(job, 1, "A", [3, 3, 3], 2_000)));

        Assert.Contains("secureAggregationRingBits: 16 is not 32 or 64", JobSpecRules.Problems(JobFixtures.Spec() with { SecureAggregationRingBits = 16 }));
        Assert.Contains("secureAggregationRingBits: a ring for the secure sum needs secureAggregation",
            JobSpecRules.Problems(JobFixtures.Spec() with { SecureAggregation = false, SecureAggregationRingBits = 32 }));
    }
}
