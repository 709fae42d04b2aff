using FedHealth.Contracts;
using FedHealth.Coordinator.Jobs;
using FedHealth.SiteAgent;
using Microsoft.Extensions.Logging.Abstractions;
using FedHealth.Tests.Support;

namespace FedHealth.Tests.Coordinator;

/// <summary>
/// What a secure round's attempts owe to the sites, not to an outage: each attempt starts with no one having answered
/// it, and a step never closes while a site it waits for could not hear its request. The rules, without actors or a
/// bus: three sites whose policy takes part only with all three (the consortium default), threshold two.
/// </summary>
// minSites 2: the coordinator may close a step with two sites, and it is the sites' own policy (minParticipants 3)
// that makes them leave an attempt of two. (With minSites 3 the coordinator would not close it at all.)
[Collection(TorchCollection.Name)]
public class SecureAttemptTests : SecureJobTestBase
{
    private static readonly string[] Sites = ["A", "B", "C"];
    private static readonly JobSpec Full = JobFixtures.Spec(rounds: 1, minSites: 2) with { SecureAggregation = true };

    public SecureAttemptTests() : this(Full) { }

    protected SecureAttemptTests(JobSpec spec) : base(Sites, spec) { }

    /// <summary>The same job on the sparse graph's code: two neighbours each (both others) and threshold 2.</summary>
    protected static JobSpec Sparse => Full with { SecureAggregationGraph = "sparse", SecureAggregationNeighbours = 2, SecureAggregationThreshold = 2 };
    private Dictionary<string, SecureParticipation>? participations;
    private Dictionary<string, SecureParticipation> sites =>
        participations ??= Sites.ToDictionary(s => s, s => new SecureParticipation(s, new SiteSecurity(identities[s], keys.Trust), 3, NullLogger.Instance));

    [Fact]
    public void Sites_that_left_an_attempt_are_waited_for_again_in_the_next_one()
    {
        // Attempt 1: C's keys come too late (refused), so it leaves; A and B are only two, and their policy makes both leave.
        Advertise("A", "B");
        Take(state.OnDeadline(state.Step, state.Deadline));
        var late = sites["C"].Advertise(Started(), JobFixtures.Update(job, 1, "C", [1, 2, 3], 10));
        Assert.Contains("too late", state.OnSecureMessage((ISecureRoundMessage)late, T0).Refusal);
        var collected = Assert.IsType<MaskingKeysCollected>(state.PendingBroadcast);
        foreach (var s in new[] { "C", "A", "B" }) Take(state.OnDecline(Assert.IsType<RoundDeclined>(sites[s].OnKeysCollected(collected)), T0).Events);
        Assert.Equal(2, state.Attempt);

        // Attempt 2: A's keys alone do not close the step (A and B left attempt 1, not this one).
        Advertise("A");
        Assert.Equal(2, state.Attempt);
        Assert.Null(state.PendingBroadcast);
        Assert.DoesNotContain(journal, e => e is JobFinished);

        Advertise("B", "C");
        CompleteTheRound();
        Assert.Equal(2, state.Attempt);
        Assert.Equal(Sites, journal.OfType<RoundAggregated>().Single().Contributors.Order());
        var replayed = new JobState(keys);
        foreach (var e in journal) replayed.Apply(e);
        Assert.Equal((state.Phase, state.Attempt, state.Step), (replayed.Phase, replayed.Attempt, replayed.Step));
    }

    [Fact]
    public void A_step_waits_on_the_same_attempt_for_a_site_that_has_not_reconnected_however_long_the_outage()
    {
        var nonce = state.SecureSettings!.RoundNonce;
        Advertise("A", "B");
        for (var window = 0; window < 20; window++)
        {
            var waited = Assert.IsType<DeadlineExtended>(Assert.Single(state.OnDeadline(state.Step, state.Deadline, unreachable: ["C"])));
            Take([waited]);
        }

        Assert.Equal((1, JobPhase.Collecting), (state.Attempt, state.Phase));
        Assert.Equal(nonce, state.SecureSettings!.RoundNonce);
        // C reconnects and answers the request that waited for it in its queue: same attempt, same nonce.
        Advertise("C");
        CompleteTheRound();
        Assert.Equal(1, state.Attempt);
        Assert.Equal(Sites, journal.OfType<RoundAggregated>().Single().Contributors.Order());
    }

    [Fact]
    public void A_site_heard_answering_an_earlier_attempt_is_waited_for_once_more_before_the_attempt_is_spent()
    {
        var behind = SecondAttemptWithCBehind();
        Assert.Contains("earlier attempt", behind.Refusal);
        var waited = Assert.IsType<DeadlineExtended>(Assert.Single(state.OnDeadline(state.Step, state.Deadline)));
        Take([waited]);
        Assert.Equal(2, state.Attempt);

        // C catches up within the extra window: the attempt completes with every site.
        Advertise("C");
        CompleteTheRound();
        Assert.Equal(2, state.Attempt);
        Assert.Equal(Sites, journal.OfType<RoundAggregated>().Single().Contributors.Order());
    }

    [Fact]
    public void A_site_that_stays_behind_is_waited_for_only_once_per_attempt()
    {
        SecondAttemptWithCBehind();
        Take(state.OnDeadline(state.Step, state.Deadline));

        // Still nothing from C at the extended deadline: the step closes without it, as any late site.
        Take(state.OnDeadline(state.Step, state.Deadline));
        Assert.Equal(["A", "B"], Assert.IsType<MaskingKeysCollected>(state.PendingBroadcast).Adverts.Select(a => a.SiteId));
    }

    [Fact]
    public void A_site_that_could_hear_the_request_and_did_not_answer_is_left_out_as_before()
    {
        Advertise("A", "B");

        // A is unreachable now but already answered; C could hear the request: the step closes without C.
        Take(state.OnDeadline(state.Step, state.Deadline, unreachable: ["A"]));

        var collected = Assert.IsType<MaskingKeysCollected>(state.PendingBroadcast);
        Assert.Equal(["A", "B"], collected.Adverts.Select(a => a.SiteId));
    }

    [Fact]
    public void A_plain_round_waits_for_an_unreachable_site_only_while_it_lacks_its_quorum()
    {
        var plain = new JobState();
        foreach (var e in JobState.Create(job, JobFixtures.Spec(rounds: 1, minSites: 2), Sites, T0)) plain.Apply(e);
        foreach (var e in plain.OnUpdate(JobFixtures.Update(job, 1, "A", [1, 1, 1], 10), T0).Events) plain.Apply(e);
        Assert.IsType<DeadlineExtended>(Assert.Single(plain.OnDeadline(plain.Step, plain.Deadline, unreachable: ["B"])));

        foreach (var e in plain.OnUpdate(JobFixtures.Update(job, 1, "B", [1, 1, 1], 10), T0).Events) plain.Apply(e);
        Assert.IsType<RoundAggregated>(Assert.Single(plain.OnDeadline(plain.Step, plain.Deadline, unreachable: ["C"])));
    }

    /// <summary>
    /// Attempt 1: C is behind (a backlog after an outage) and answers nothing in time; A and B leave a step of two.
    /// Attempt 2: A and B advertise, then C's keys for attempt 1 arrive; what the job decided about them is returned.
    /// </summary>
    private JobDecision SecondAttemptWithCBehind()
    {
        var first = Started();
        Advertise("A", "B");
        Take(state.OnDeadline(state.Step, state.Deadline));
        var collected = Assert.IsType<MaskingKeysCollected>(state.PendingBroadcast);
        foreach (var s in new[] { "A", "B" }) Take(state.OnDecline(Assert.IsType<RoundDeclined>(sites[s].OnKeysCollected(collected)), T0).Events);
        Assert.Equal(2, state.Attempt);
        Advertise("A", "B");
        return state.OnSecureMessage((ISecureRoundMessage)sites["C"].Advertise(first, JobFixtures.Update(job, 1, "C", [1, 2, 3], 10)), T0);
    }

    private void Advertise(params string[] from)
    {
        foreach (var s in from) Decide(sites[s].Advertise(Started(), JobFixtures.Update(job, 1, s, [1, 2, 3], 10)));
    }

    private void CompleteTheRound()
    {
        AnswerKeys(Sites, (s, k) => sites[s].OnKeysCollected(k), (s, g) => sites[s].OnSeedsRevealed(g));
        var relayed = Assert.IsType<SharesRelayed>(state.PendingBroadcast);
        foreach (var s in Sites) Decide(sites[s].OnSharesRelayed(relayed));
        var request = Assert.IsType<UnmaskingRequested>(state.PendingBroadcast);
        foreach (var s in Sites) if (state.Phase == JobPhase.Collecting) Decide(sites[s].OnUnmaskingRequested(request));
        Assert.Equal("evaluating", state.Status);
    }

    private RoundStarted Started() => new()
    {
        JobId = job, Round = 1, Attempt = state.Attempt, Schema = "toy", FeatureNames = JobFixtures.Features, Model = JobFixtures.Model,
        Training = new TrainingPlan(), Seed = 1, GlobalWeights = state.GlobalWeights, Participants = Sites, Deadline = state.Deadline,
        SecureRound = state.SecureSettings,
    };
}

/// <summary>Every test of <see cref="SecureAttemptTests"/> (attempts, replayed nonces, late sites) on a sparse masking graph.</summary>
[Collection(TorchCollection.Name)]
public sealed class SparseGraphSecureAttemptTests() : SecureAttemptTests(Sparse);
