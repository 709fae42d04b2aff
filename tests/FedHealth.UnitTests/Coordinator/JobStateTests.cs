using FedHealth.Learning.Jobs;
using FedHealth.Contracts;
using FedHealth.Coordinator.Jobs;
using FedHealth.Learning.Models;
using static FedHealth.Tests.Coordinator.JobFixtures;

namespace FedHealth.Tests.Coordinator;

public sealed class JobStateTests
{
    private static readonly Guid Job = Guid.NewGuid();
    private static readonly DateTimeOffset T0 = new(2026, 11, 24, 10, 0, 0, TimeSpan.Zero);
    private readonly JobState state = new();

    public JobStateTests() => ApplyAll(JobState.Create(Job, Spec(rounds: 2, minSites: 2), ["A", "B", "C"], T0));

    [Fact]
    public void A_new_job_opens_round_one_with_seeded_weights_and_a_deadline()
    {
        Assert.Equal(JobPhase.Collecting, state.Phase);
        Assert.Equal(1, state.Round);
        Assert.Equal(T0.AddMinutes(1), state.Deadline);
        Assert.Equal(FlatParameters.Initial(Layout, 1).Values, FlatParameters.FromWeights(Layout, state.GlobalWeights).Values);
    }

    [Fact]
    public void When_every_participant_has_sent_its_update_the_round_is_averaged_by_sample_count()
    {
        Decide(state.OnUpdate(Update(Job, 1, "A", [1, 1, 1], 10), T0));
        Decide(state.OnUpdate(Update(Job, 1, "B", [2, 2, 2], 20), T0));
        var last = state.OnUpdate(Update(Job, 1, "C", [4, 4, 4], 70), T0);
        var aggregated = Assert.IsType<RoundAggregated>(last.Events[^1]);
        ApplyAll(last.Events);
        // (1*10 + 2*20 + 4*70) / 100 = 3.3
        Assert.All(FlatParameters.FromWeights(Layout, aggregated.GlobalWeights).Values, v => Assert.Equal(3.3f, v, 5));
        Assert.Equal(["A", "B", "C"], aggregated.Contributors);
        Assert.Empty(aggregated.LeftOut);
        Assert.Equal("evaluating", state.Status);
    }

    [Fact]
    public void At_the_deadline_a_round_with_enough_sites_completes_without_the_late_one()
    {
        Decide(state.OnUpdate(Update(Job, 1, "A", [1, 1, 1], 10), T0));
        Decide(state.OnUpdate(Update(Job, 1, "B", [3, 3, 3], 10), T0));
        Assert.Empty(state.OnDeadline(state.Step, T0.AddSeconds(30)));
        var events = state.OnDeadline(state.Step, T0.AddMinutes(1));
        var aggregated = Assert.IsType<RoundAggregated>(Assert.Single(events));
        Assert.Equal(["A", "B"], aggregated.Contributors);
        Assert.Equal("C", Assert.Single(aggregated.LeftOut).SiteId);
        Assert.Contains("late", aggregated.LeftOut[0].Reason);
        ApplyAll(events);
        var late = state.OnUpdate(Update(Job, 1, "C", [9, 9, 9], 10), T0.AddMinutes(2));
        Assert.Contains("too late", late.Refusal);
    }

    [Fact]
    public void A_round_without_enough_sites_is_retried_and_the_job_fails_after_the_last_attempt()
    {
        Decide(state.OnUpdate(Update(Job, 1, "A", [1, 1, 1], 10), T0));
        var now = T0;
        for (var attempt = 1; attempt < JobState.MaxAttemptsPerRound; attempt++)
        {
            now = state.Deadline;
            var retry = Assert.IsType<RoundStartedEvent>(Assert.Single(state.OnDeadline(state.Step, now)));
            Assert.Equal(attempt + 1, retry.Attempt);
            ApplyAll([retry]);
        }
        var failed = Assert.IsType<JobFinished>(Assert.Single(state.OnDeadline(state.Step, state.Deadline)));
        Assert.Equal(JobOutcome.Failed, failed.Outcome);
        Assert.Contains("1 of the 2 sites", failed.Detail);
    }

    [Fact]
    public void A_duplicate_update_is_counted_once()
    {
        Decide(state.OnUpdate(Update(Job, 1, "A", [1, 1, 1], 10), T0));
        var again = state.OnUpdate(Update(Job, 1, "A", [5, 5, 5], 10), T0);
        Assert.Empty(again.Events);
        Assert.Null(again.Refusal);
        Assert.Contains("duplicate", again.Note);
        Assert.Single(state.Contributors);
    }

    [Fact]
    public void Updates_from_strangers_of_the_wrong_shape_or_with_bad_counts_are_refused_and_change_nothing()
    {
        Assert.Contains("not a participant", state.OnUpdate(Update(Job, 1, "Z", [1, 1, 1], 10), T0).Refusal);
        var wrongShape = Update(Job, 1, "A", [1, 1, 1], 10) with
        {
            Weights = new FlatParameters(ParameterLayout.For(Model with { Features = 3 }), [1, 1, 1, 1]).ToWeights(),
        };
        Assert.Contains("expected 'linear.weight' [1,2]", state.OnUpdate(wrongShape, T0).Refusal);
        Assert.Contains("sample count 0", state.OnUpdate(Update(Job, 1, "A", [1, 1, 1], 0), T0).Refusal);
        Assert.Contains("round 2", state.OnUpdate(Update(Job, 2, "A", [1, 1, 1], 5), T0).Refusal);
        Assert.Empty(state.Contributors);
    }

    [Fact]
    public void A_nan_update_is_refused()
    {
        var nan = Update(Job, 1, "A", [1, 1, 1], 10);
        var tensor = nan.Weights.Tensors[0];
        var data = tensor.Data.ToArray();
        BitConverter.GetBytes(float.NaN).CopyTo(data, 0);
        var poisoned = nan with
        {
            Weights = new ModelWeights
            {
                Tensors = [tensor with { Data = data, Sha256 = FedHealth.Learning.Codec.TensorCodec.Checksum(data) }, nan.Weights.Tensors[1]]
            },
        };
        Assert.Contains("NaN", state.OnUpdate(poisoned, T0).Refusal);
    }

    [Fact]
    public void Evaluations_close_the_round_and_open_the_next_then_the_last_round_completes_the_job()
    {
        foreach (var round in new[] { 1, 2 })
        {
            foreach (var site in new[] { "A", "B", "C" }) Decide(state.OnUpdate(Update(Job, round, site, [1, 1, 1], 10), T0));
            Decide(state.OnAnswer(GoodEvaluation(Job, round, "A"), T0));
            Decide(state.OnAnswer(GoodEvaluation(Job, round, "B"), T0));
            var closing = state.OnAnswer(GoodEvaluation(Job, round, "C"), T0);
            var closed = Assert.IsType<RoundClosed>(closing.Events[1]);
            Assert.Equal(60, closed.Summary.Global!.Samples);
            Assert.Equal(1.0, closed.Summary.Global.Auc, 6);
            ApplyAll(closing.Events);
        }
        Assert.Equal(JobPhase.Completed, state.Phase);
        Assert.Equal(2, state.Rounds.Count);
    }

    [Fact]
    public void An_evaluation_whose_histogram_does_not_match_its_sample_count_is_refused()
    {
        foreach (var site in new[] { "A", "B", "C" }) Decide(state.OnUpdate(Update(Job, 1, site, [1, 1, 1], 10), T0));
        var bad = GoodEvaluation(Job, 1, "A");
        bad = bad with { Evaluation = bad.Evaluation with { Metrics = bad.Evaluation.Metrics with { Samples = 99 } } };
        Assert.Contains("histogram counts add up to 20 rows, not the 99 samples", state.OnAnswer(bad, T0).Refusal);
    }

    [Fact]
    public void Replaying_the_events_rebuilds_the_same_state()
    {
        var journal = new List<IJobEvent>(JobState.Create(Job, Spec(rounds: 2, minSites: 2), ["A", "B", "C"], T0));
        var live = new JobState();
        foreach (var e in journal) live.Apply(e);
        void Take(JobDecision d) { foreach (var e in d.Events) { live.Apply(e); journal.Add(e); } }
        Take(live.OnUpdate(Update(Job, 1, "A", [1, 2, 3], 10), T0));
        Take(live.OnUpdate(Update(Job, 1, "B", [3, 2, 1], 30), T0));
        var replayed = new JobState();
        foreach (var e in journal) replayed.Apply(e);
        Assert.Equal(live.Round, replayed.Round);
        Assert.Equal(live.Phase, replayed.Phase);
        Assert.Equal(live.Contributors.Order(), replayed.Contributors.Order());
        var last = replayed.OnUpdate(Update(Job, 1, "C", [0, 0, 0], 60), T0);
        Assert.IsType<RoundAggregated>(last.Events[^1]);
    }

    [Fact]
    public void Job_specs_with_bad_fields_are_refused_naming_each_field()
    {
        var problems = JobSpecRules.Problems(Spec() with { Rounds = 0, MinSites = 0, Model = Model with { Features = 5 } });
        Assert.Contains(problems, p => p.StartsWith("rounds:"));
        Assert.Contains(problems, p => p.StartsWith("minSites:"));
        Assert.Contains(problems, p => p.StartsWith("model.features:"));
    }

    [Fact]
    public void Spec_numbers_past_their_bounds_are_refused_before_any_arithmetic_can_overflow()
    {
        // 268435456 hidden units overflowed the parameter count; the job actor then threw every 5 s and could not be stopped.
        var huge = JobSpecRules.Problems(Spec() with { Model = new ModelSpec { Kind = "mlp", Features = 2, HiddenUnits = 268_435_456 } });
        Assert.Contains(huge, p => p.StartsWith("model: 1,073,741,825 parameters (features 2, hiddenUnits 268435456) is more than the 250,000,000"));
        Assert.Throws<OverflowException>(() => new ParameterShape("w", [65_536, 65_536]).Count);

        // A sampling rate of 1e-300 asked for 9.2e18 steps a round: every site trained for good.
        var dp = new DpSgdSettings { SamplingRate = 1e-300, ClipNorm = 1, NoiseMultiplier = 1 };
        var endless = JobSpecRules.Problems(Spec() with { Privacy = dp });
        Assert.Contains(endless, p => p.StartsWith("privacy.samplingRate: 1E-300 with training.localEpochs 1 makes 1E+300 DP-SGD steps a round"));
        Assert.Throws<ArgumentException>(() => FedHealth.Privacy.Accounting.DpSgdSchedule.StepsPerRound(Spec().Training, dp));
        Assert.Empty(JobSpecRules.Problems(Spec() with { Privacy = dp with { SamplingRate = 1e-6 } }));

        Assert.Contains(JobSpecRules.Problems(Spec() with { Name = new string('x', 201) }), p => p == "name: 201 characters, at most 200");
        Assert.Contains(JobSpecRules.Problems(Spec() with { Name = "job\0" }), p => p.StartsWith("name: must not hold control characters"));
    }

    [Fact]
    public void A_spec_with_nulls_where_its_type_has_none_or_infinite_noise_is_refused_by_field_not_by_an_exception()
    {
        var holes = Spec() with { Name = null!, Schema = null!, FeatureNames = null!, Model = null!, Training = null!, Sites = null!, Strategy = null! };
        var problems = JobSpecRules.Problems(holes);
        foreach (var field in new[] { "name:", "schema:", "featureNames:", "model:", "training:", "sites:", "strategy:" })
            Assert.Contains(problems, p => p.StartsWith(field));
        Assert.NotNull(FedHealth.Privacy.Accounting.JobPrivacyEstimate.For(holes, 1e-5));

        var infinite = Spec() with
        {
            Privacy = new DpSgdSettings { SamplingRate = 0.01, ClipNorm = 1, NoiseMultiplier = double.PositiveInfinity },
            SiteLevelPrivacy = new SiteLevelDpSettings { ClipNorm = 1, NoiseMultiplier = double.PositiveInfinity, Delta = 1e-5 },
        };
        Assert.Contains(JobSpecRules.Problems(infinite), p => p.StartsWith("privacy.noiseMultiplier:"));
        Assert.Contains(JobSpecRules.Problems(infinite), p => p.StartsWith("siteLevelPrivacy.noiseMultiplier:"));
        Assert.Null(FedHealth.Privacy.Accounting.JobPrivacyEstimate.For(infinite, 1e-5).EpsilonPerRound);
    }

    [Fact]
    public void Participants_are_the_online_sites_on_the_job_schema_and_too_few_is_refused()
    {
        var (chosen, problem) = JobSpecRules.ChooseParticipants(Spec(minSites: 2), [Heartbeat("B"), Heartbeat("A"), Heartbeat("X", schema: "other")]);
        Assert.Null(problem);
        Assert.Equal(["A", "B"], chosen);
        var (_, tooFew) = JobSpecRules.ChooseParticipants(Spec(minSites: 3), [Heartbeat("A"), Heartbeat("B")]);
        Assert.Contains("needs 3 sites, 2 are online", tooFew);
        var (_, missing) = JobSpecRules.ChooseParticipants(Spec(sites: ["A", "Q"]), [Heartbeat("A"), Heartbeat("B")]);
        Assert.Contains("Q not online", missing);
    }

    private void Decide(JobDecision decision)
    {
        Assert.Null(decision.Refusal);
        ApplyAll(decision.Events);
    }

    private void ApplyAll(IEnumerable<IJobEvent> events)
    {
        foreach (var e in events) state.Apply(e);
    }
}

public sealed class JobStatePrivacyTests
{
    [Fact]
    public void When_too_few_sites_have_privacy_budget_left_the_job_stops_for_good()
    {
        var job = Guid.NewGuid();
        var state = new JobState();
        var t0 = DateTimeOffset.UtcNow;
        foreach (var e in JobState.Create(job, JobFixtures.Spec(rounds: 5, minSites: 2), ["A", "B", "C"], t0)) state.Apply(e);
        var first = state.OnDecline(new RoundDeclined { JobId = job, Round = 1, SiteId = "A", Reason = "budget", BudgetExhausted = true }, t0);
        Assert.Single(first.Events);
        foreach (var e in first.Events) state.Apply(e);
        var second = state.OnDecline(new RoundDeclined { JobId = job, Round = 1, SiteId = "B", Reason = "budget", BudgetExhausted = true }, t0);
        var stopped = Assert.IsType<JobFinished>(second.Events[^1]);
        Assert.Equal(JobOutcome.Stopped, stopped.Outcome);
        Assert.Contains("privacy budget exhausted at A, B", stopped.Detail);
        foreach (var e in second.Events) state.Apply(e);
        Assert.Equal(JobPhase.Stopped, state.Phase);
    }
}
