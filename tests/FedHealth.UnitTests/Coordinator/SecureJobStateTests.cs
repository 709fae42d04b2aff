using FedHealth.Contracts;
using FedHealth.Coordinator.Jobs;
using FedHealth.Learning.Models;
using FedHealth.Privacy.SecureAggregation;
using FedHealth.Tests.Support;

namespace FedHealth.Tests.Coordinator;

/// <summary>The job's rules with secure aggregation: real protocol clients for five sites, one of which drops out.</summary>
[Collection(TorchCollection.Name)]
public class SecureJobStateTests : SecureJobTestBase
{
    private static readonly string[] Sites = ["A", "B", "C", "D", "E"];
    private static readonly JobSpec Full = JobFixtures.Spec(rounds: 1, minSites: 3) with { SecureAggregation = true };

    public SecureJobStateTests() : this(Full) { }

    protected SecureJobStateTests(JobSpec spec) : base(Sites, spec) { }

    /// <summary>The same job on the sparse graph's code: four neighbours each (all the others) and threshold 3.</summary>
    protected static JobSpec Sparse => Full with { SecureAggregationGraph = "sparse", SecureAggregationNeighbours = 4, SecureAggregationThreshold = 3 };


    [Fact]
    public void A_site_that_drops_after_sharing_is_left_out_and_the_others_weighted_average_is_exact()
    {
        var settings = state.SecureSettings!;
        Assert.Equal(3, settings.Threshold);
        var clients = Sites.ToDictionary(s => s, s => new SecureRoundClient(s, identities[s], keys.Trust.Sites, job, 1, settings, 3));
        foreach (var s in Sites) Decide(clients[s].Advertise());
        AnswerKeys(Sites, (s, k) => clients[s].OnKeysCollected(k), (s, g) => clients[s].OnSeedsRevealed(g));
        var relayed = Assert.IsType<SharesRelayed>(state.PendingBroadcast);
        var weights = new Dictionary<string, (float Value, int Samples)> { ["A"] = (1, 10), ["B"] = (2, 30), ["C"] = (4, 60), ["D"] = (100, 1000) };
        foreach (var s in new[] { "A", "B", "C", "D" })
            Decide(clients[s].OnSharesRelayed(relayed, Input(weights[s].Value, weights[s].Samples), 0.5, "cpu", null));
        Assert.Equal(JobPhase.Collecting, state.Phase);

        // E never sends its masked update: at the deadline the coordinator asks the rest to unmask without it.
        Take(state.OnDeadline(state.Step, state.Deadline));
        var request = Assert.IsType<UnmaskingRequested>(state.PendingBroadcast);
        Assert.Equal(["E"], request.Dropped);
        foreach (var s in new[] { "A", "B", "C" }) Decide(clients[s].OnUnmaskingRequested(request));
        Assert.Equal(JobPhase.Collecting, state.Phase);
        Decide(clients["D"].OnUnmaskingRequested(request));

        Assert.Equal("evaluating", state.Status);
        var aggregated = journal.OfType<RoundAggregated>().Single();
        Assert.Equal(["A", "B", "C", "D"], aggregated.Contributors);
        Assert.Contains("dropped after sharing", Assert.Single(aggregated.LeftOut).Reason);
        // (1*10 + 2*30 + 4*60 + 100*1000) / 1100
        Assert.All(FlatParameters.FromWeights(JobFixtures.Layout, aggregated.GlobalWeights).Values, v => Assert.Equal(91.1909f, v, 3));

        var replayed = new JobState(keys);
        foreach (var e in journal) replayed.Apply(e);
        Assert.Equal(state.Phase, replayed.Phase);
        Assert.Equal(state.Step, replayed.Step);
        Assert.Equal(FlatParameters.FromWeights(JobFixtures.Layout, state.GlobalWeights).Values,
            FlatParameters.FromWeights(JobFixtures.Layout, replayed.GlobalWeights).Values);
    }

    [Fact]
    public void Too_few_masked_updates_abandon_the_attempt_and_the_round_is_tried_again_with_a_new_nonce()
    {
        var settings = state.SecureSettings!;
        var clients = Sites.ToDictionary(s => s, s => new SecureRoundClient(s, identities[s], keys.Trust.Sites, job, 1, settings, 3));
        foreach (var s in Sites) Decide(clients[s].Advertise());
        AnswerKeys(Sites, (s, k) => clients[s].OnKeysCollected(k), (s, g) => clients[s].OnSeedsRevealed(g));
        var relayed = (SharesRelayed)state.PendingBroadcast!;
        foreach (var s in new[] { "A", "B" }) Decide(clients[s].OnSharesRelayed(relayed, Input(1, 1), 0.5, "cpu", null));
        var retry = Assert.IsType<RoundStartedEvent>(Assert.Single(state.OnDeadline(state.Step, state.Deadline)));
        Assert.Equal(2, retry.Attempt);
        Take([retry]);
        Assert.False(settings.RoundNonce.AsSpan().SequenceEqual(state.SecureSettings!.RoundNonce));
        var stale = clients["C"].OnSharesRelayed(relayed, Input(1, 1), 0.5, "cpu", null);
        Assert.Contains("another round's nonce", state.OnSecureMessage(stale, T0).Refusal);
    }

    [Fact]
    public void A_secure_round_paused_after_sharing_starts_its_key_exchange_afresh_on_resume_and_completes()
    {
        var settings = state.SecureSettings!;
        var clients = Sites.ToDictionary(s => s, s => new SecureRoundClient(s, identities[s], keys.Trust.Sites, job, 1, settings, 3));
        foreach (var s in Sites) Decide(clients[s].Advertise());
        AnswerKeys(Sites, (s, k) => clients[s].OnKeysCollected(k), (s, g) => clients[s].OnSeedsRevealed(g));
        var relayed = (SharesRelayed)state.PendingBroadcast!;
        Take(state.OnStop(new StopJob { RequestId = Guid.NewGuid(), JobId = job, RequestedBy = "alice" }, T0).Events);
        Assert.Contains("paused", state.OnSecureMessage(clients["A"].OnSharesRelayed(relayed, Input(1, 1), 0.5, "cpu", null), T0).Refusal);

        Take(state.OnResume(new ResumeJob { RequestId = Guid.NewGuid(), JobId = job, RequestedBy = "alice" }, T0.AddHours(1)).Events);
        Assert.Equal((JobPhase.Collecting, 2), (state.Phase, state.Attempt));
        Assert.Null(state.PendingBroadcast);
        var fresh = state.SecureSettings!;
        Assert.False(settings.RoundNonce.AsSpan().SequenceEqual(fresh.RoundNonce));
        Assert.Contains("another round's nonce", state.OnSecureMessage(clients["B"].OnSharesRelayed(relayed, Input(1, 1), 0.5, "cpu", null), T0).Refusal);

        clients = Sites.ToDictionary(s => s, s => new SecureRoundClient(s, identities[s], keys.Trust.Sites, job, 1, fresh, 3));
        foreach (var s in Sites) Decide(clients[s].Advertise());
        AnswerKeys(Sites, (s, k) => clients[s].OnKeysCollected(k), (s, g) => clients[s].OnSeedsRevealed(g));
        relayed = (SharesRelayed)state.PendingBroadcast!;
        foreach (var s in Sites) Decide(clients[s].OnSharesRelayed(relayed, Input(3, 10), 0.5, "cpu", null));
        var request = (UnmaskingRequested)state.PendingBroadcast!;
        foreach (var s in Sites) if (state.Phase == JobPhase.Collecting) Decide(clients[s].OnUnmaskingRequested(request));
        Assert.Equal("evaluating", state.Status);
        Assert.All(FlatParameters.FromWeights(JobFixtures.Layout, state.GlobalWeights).Values, v => Assert.Equal(3f, v, 3));
    }

    [Fact]
    public void Plain_updates_are_refused_in_a_secure_job()
    {
        var plain = JobFixtures.Update(job, 1, "A", [1, 1, 1], 10);
        Assert.Contains("secure aggregation", state.OnUpdate(plain, T0).Refusal);
    }

    [Fact]
    public void After_a_retry_a_step_redelivered_from_the_earlier_attempt_is_ignored_by_the_site_and_its_stale_decline_by_the_job()
    {
        var sites = Sites.ToDictionary(s => s, s =>
            new FedHealth.SiteAgent.SecureParticipation(s, new FedHealth.SiteAgent.SiteSecurity(identities[s], keys.Trust), 3,
            Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance));
        foreach (var s in Sites) Decide((ISecureRoundMessage)sites[s].Advertise(Started(), Update(s)));
        var firstKeys = Assert.IsType<MaskingKeysCollected>(state.PendingBroadcast);
        Assert.Equal(state.SecureSettings!.RoundNonce, firstKeys.RoundNonce);
        // The broker went away before the keys reached anyone: no shares by the deadline, the round is tried again.
        Take(state.OnDeadline(state.Step, state.Deadline));
        Assert.Equal(2, state.Attempt);
        foreach (var s in Sites) Decide((ISecureRoundMessage)sites[s].Advertise(Started(), Update(s)));
        var secondKeys = Assert.IsType<MaskingKeysCollected>(state.PendingBroadcast);

        // Attempt 1's keys arrive late at C: ignored, and C's attempt-2 session is untouched.
        Assert.Null(sites["C"].OnKeysCollected(firstKeys));
        // D's decline of attempt 1 arrives late too: it does not take D out of attempt 2.
        var stale = state.OnDecline(new RoundDeclined { JobId = job, Round = 1, Attempt = 1, SiteId = "D", Reason = "secure aggregation: too few sites" }, T0);
        Assert.Null(stale.Refusal);
        Assert.Empty(stale.Events);
        Assert.Contains("attempt 1", stale.Note);

        AnswerKeys(Sites, (s, k) => sites[s].OnKeysCollected(k), (s, g) => sites[s].OnSeedsRevealed(g));
        var relayed = Assert.IsType<SharesRelayed>(state.PendingBroadcast);
        foreach (var s in Sites) Decide(Assert.IsType<MaskedUpdateSubmitted>(sites[s].OnSharesRelayed(relayed)));
        var request = Assert.IsType<UnmaskingRequested>(state.PendingBroadcast);
        foreach (var s in Sites)
            if (state.Phase == JobPhase.Collecting) Decide(Assert.IsType<UnmaskingSharesSubmitted>(sites[s].OnUnmaskingRequested(request)));
        Assert.Equal("evaluating", state.Status);
        Assert.Equal(Sites, journal.OfType<RoundAggregated>().Single().Contributors.Order());
    }

    private RoundStarted Started() => new()
    {
        JobId = job, Round = 1, Attempt = state.Attempt, Schema = "toy", FeatureNames = JobFixtures.Features, Model = JobFixtures.Model,
        Training = new TrainingPlan(), Seed = 1, GlobalWeights = state.GlobalWeights, Participants = Sites, Deadline = state.Deadline,
        SecureRound = state.SecureSettings,
    };

    private UpdateSubmitted Update(string site) => JobFixtures.Update(job, 1, site, [1, 2, 3], 10);

    private static ulong[] Input(float value, int samples) =>
        [.. Enumerable.Repeat(FixedPointRing.Encode((double)value * samples), JobFixtures.Layout.TotalCount), FixedPointRing.Encode(samples)];
}

/// <summary>Every test of <see cref="SecureJobStateTests"/> with the job's secure sums on a sparse masking graph.</summary>
[Collection(TorchCollection.Name)]
public sealed class SparseGraphSecureJobStateTests() : SecureJobStateTests(Sparse);
