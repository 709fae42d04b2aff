using FedHealth.Contracts;
using FedHealth.Coordinator.Hosting;
using FedHealth.Coordinator.Jobs;
using FedHealth.Learning.Models;
using FedHealth.Privacy.SecureAggregation;
using FedHealth.Tests.Support;

namespace FedHealth.Tests.Coordinator;

/// <summary>
/// The sparse graph's seed step in the job's rules: five sites, four neighbours each, threshold 3. A site that
/// advertised and never reveals its seed fails the attempt (it is never left out), and the step survives a restart.
/// </summary>
[Collection(TorchCollection.Name)]
public sealed class GraphSeedJobTests() : SecureJobTestBase(Sites, Spec)
{
    private static readonly string[] Sites = ["A", "B", "C", "D", "E"];
    private static readonly JobSpec Spec = JobFixtures.Spec(rounds: 1, minSites: 3) with
    {
        SecureAggregation = true,
        SecureAggregationGraph = "sparse",
        SecureAggregationNeighbours = 4,
        SecureAggregationThreshold = 3,
    };

    [Fact]
    public void An_advertiser_that_never_reveals_its_seed_fails_each_attempt_at_the_deadline_and_then_the_job_naming_it()
    {
        for (var attempt = 1; attempt <= JobState.MaxAttemptsPerRound; attempt++)
        {
            var nonce = state.SecureSettings!.RoundNonce;
            var clients = Clients();
            foreach (var s in Sites) Decide(clients[s].Advertise());
            var collected = Assert.IsType<MaskingKeysCollected>(state.PendingBroadcast);
            foreach (var s in Sites.Where(s => s != "E")) Decide(clients[s].OnKeysCollected(collected));
            Assert.IsType<MaskingKeysCollected>(state.PendingBroadcast);

            // Four of five seeds would draw a graph, but one the coordinator could have chosen by dropping E: the attempt fails.
            var closing = state.OnDeadline(state.Step, state.Deadline);
            Assert.DoesNotContain(closing, e => e is SecureStepClosed);
            Take(closing);
            if (attempt < JobState.MaxAttemptsPerRound)
            {
                var retry = Assert.IsType<RoundStartedEvent>(Assert.Single(closing));
                Assert.Equal(attempt + 1, retry.Attempt);
                Assert.False(nonce.AsSpan().SequenceEqual(retry.Nonce));
            }
        }
        var failed = Assert.IsType<JobFinished>(journal[^1]);
        Assert.Equal(JobOutcome.Failed, failed.Outcome);
        Assert.Contains("E advertised keys but did not reveal its graph seed", failed.Detail);
    }

    [Fact]
    public void A_job_replayed_from_its_journal_in_the_middle_of_the_seed_step_rebuilds_the_same_state_and_completes()
    {
        var clients = Clients();
        foreach (var s in Sites) Decide(clients[s].Advertise());
        var collected = Assert.IsType<MaskingKeysCollected>(state.PendingBroadcast);
        var reveals = Sites.ToDictionary(s => s, s => Assert.IsType<GraphSeedRevealed>(clients[s].OnKeysCollected(collected)));
        foreach (var s in new[] { "A", "B", "C" }) Decide(reveals[s]);

        // A coordinator restarted now replays its journal, each event through the journal's own serializer.
        var replayed = new JobState(keys);
        foreach (var e in journal) replayed.Apply((IJobEvent)JournalSerializer.Deserialize(JournalSerializer.Serialize(e), e.GetType().Name));
        Assert.Equal((state.Phase, state.Step, state.Attempt, state.Deadline), (replayed.Phase, replayed.Step, replayed.Attempt, replayed.Deadline));
        Assert.Equal(collected.Adverts.Select(a => a.SiteId), Assert.IsType<MaskingKeysCollected>(replayed.PendingBroadcast).Adverts.Select(a => a.SiteId));
        Assert.Contains("already taken", replayed.OnSecureMessage(reveals["A"], T0).Note);

        // D and E reveal to the restarted coordinator: it relays the same seeds the original would, and the round completes.
        var restartedJournal = new List<IJobEvent>();
        void DecideReplayed(object? message)
        {
            var decision = replayed.OnSecureMessage(Assert.IsAssignableFrom<ISecureRoundMessage>(message), T0);
            Assert.Null(decision.Refusal);
            foreach (var e in decision.Events) { replayed.Apply(e); restartedJournal.Add(e); }
        }
        foreach (var s in new[] { "D", "E" }) { Decide(reveals[s]); DecideReplayed(reveals[s]); }
        var seeds = Assert.IsType<GraphSeedsRevealed>(replayed.PendingBroadcast);
        static IEnumerable<string> Seeds(GraphSeedsRevealed g) => g.Reveals.Select(r => $"{r.SiteId}:{Convert.ToHexString(r.Seed)}");
        Assert.Equal(Seeds(Assert.IsType<GraphSeedsRevealed>(state.PendingBroadcast)), Seeds(seeds));
        Assert.Contains(restartedJournal, e => e is SecureStepClosed { Step: SecurePhase.Seeds });
        foreach (var s in Sites) DecideReplayed(clients[s].OnSeedsRevealed(seeds));
        var relayed = Assert.IsType<SharesRelayed>(replayed.PendingBroadcast);
        var input = Enumerable.Repeat(FixedPointRing.Encode(20.0), JobFixtures.Layout.TotalCount).Append(FixedPointRing.Encode(10)).ToArray();
        foreach (var s in Sites) DecideReplayed(clients[s].OnSharesRelayed(relayed, input, 0.5, "cpu", null));
        var request = Assert.IsType<UnmaskingRequested>(replayed.PendingBroadcast);
        foreach (var s in Sites) if (replayed.Phase == JobPhase.Collecting) DecideReplayed(clients[s].OnUnmaskingRequested(request));
        Assert.Equal("evaluating", replayed.Status);
        Assert.All(FlatParameters.FromWeights(JobFixtures.Layout, replayed.GlobalWeights).Values, v => Assert.Equal(2f, v, 3));
    }

    [Fact]
    public void A_sparse_round_journaled_before_graph_seeds_existed_replays_without_a_seed_step_and_is_tried_again_at_its_deadline()
    {
        var clients = Clients();
        // Adverts as a coordinator took them before seeds existed: the opening digest signed, no commitment.
        var old = Sites.Select(s =>
        {
            var advert = clients[s].Advertise() with { SeedCommitment = null };
            return advert with { Signature = identities[s].Sign(SignedContent.Of(advert)) };
        }).ToList();
        Assert.All(old, a => Assert.Contains("committed to no graph seed", state.OnSecureMessage(a, T0).Refusal));

        var replayed = new JobState(keys);
        foreach (var e in journal) replayed.Apply(e);
        foreach (var a in old) replayed.Apply(new KeysAdvertReceived(1, a));
        replayed.Apply(new SecureStepClosed(1, SecurePhase.Keys, T0 + Spec.RoundDeadline));
        Assert.IsType<MaskingKeysCollected>(replayed.PendingBroadcast);
        // No seed step: the shares step is next, which sites restarted since will not answer; at its deadline the round is tried again.
        var retry = Assert.IsType<RoundStartedEvent>(Assert.Single(replayed.OnDeadline(replayed.Step, replayed.Deadline)));
        Assert.Equal(2, retry.Attempt);
    }

    private Dictionary<string, SecureRoundClient> Clients() =>
        Sites.ToDictionary(s => s, s => new SecureRoundClient(s, identities[s], keys.Trust.Sites, job, 1, state.SecureSettings!, 3));
}
