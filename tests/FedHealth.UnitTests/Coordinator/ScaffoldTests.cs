using FedHealth.Contracts;
using FedHealth.Coordinator.Jobs;
using FedHealth.Learning.Jobs;
using FedHealth.Learning.Models;
using FedHealth.Learning.Strategies;
using static FedHealth.Tests.Coordinator.JobFixtures;

namespace FedHealth.Tests.Coordinator;

/// <summary>SCAFFOLD at the coordinator: the server control's step computed by hand, its journal, and what a job refuses.</summary>
public sealed class ScaffoldTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 24, 10, 0, 0, TimeSpan.Zero);
    private static readonly StrategySpec Scaffold = new() { Name = StrategyNames.Scaffold };

    private static UpdateSubmitted WithDelta(UpdateSubmitted update, float[] delta) => update with { ControlDelta = ScaffoldControl.Encode(delta) };

    private static float[] Control(ModelWeights? weights) => ScaffoldControl.Decode(weights, Layout.TotalCount);

    private static JobState Started(Guid job, JobSpec spec, IReadOnlyList<string> participants, List<IJobEvent>? journal = null)
    {
        var state = new JobState();
        foreach (var e in JobState.Create(job, spec, participants, T0)) { state.Apply(e); journal?.Add(e); }
        return state;
    }

    [Fact]
    public void The_server_control_moves_by_the_contributors_deltas_over_all_participants_while_the_model_is_the_weighted_average()
    {
        var job = Guid.NewGuid();
        var state = Started(job, Spec(rounds: 2, minSites: 2) with { Strategy = Scaffold }, ["A", "B", "C"]);
        Assert.Equal([0f, 0f, 0f], Control(state.ServerControl));

        foreach (var e in state.OnUpdate(WithDelta(Update(job, 1, "A", [1, 2, 3], 10), [0.3f, -0.6f, 0.9f]), T0).Events) state.Apply(e);
        foreach (var e in state.OnUpdate(WithDelta(Update(job, 1, "B", [4, 5, 6], 30), [0.6f, 0.3f, -0.3f]), T0).Events) state.Apply(e);
        var closing = state.OnDecline(new RoundDeclined { JobId = job, Round = 1, SiteId = "C", Reason = "maintenance" }, T0).Events;
        var aggregated = Assert.IsType<RoundAggregated>(closing[^1]);
        foreach (var e in closing) state.Apply(e);

        // x = (10·[1,2,3] + 30·[4,5,6]) / 40; c = 0 + (1/3)·([0.3,−0.6,0.9] + [0.6,0.3,−0.3]): N = 3 participants, not the 2 contributors.
        Assert.Equal([3.25f, 4.25f, 5.25f], FlatParameters.FromWeights(Layout, aggregated.GlobalWeights).Values);
        var c = Control(aggregated.ServerState);
        Assert.Equal(0.3, c[0], 6);
        Assert.Equal(-0.1, c[1], 6);
        Assert.Equal(0.2, c[2], 6);
        Assert.Equal(c, Control(state.ServerControl));

        // Round 2 starts from that c: one more delta from A alone adds a third of it.
        foreach (var site in new[] { "A", "B", "C" }) foreach (var e in state.OnAnswer(GoodEvaluation(job, 1, site), T0).Events) state.Apply(e);
        Assert.Equal(2, state.Round);
        foreach (var e in state.OnUpdate(WithDelta(Update(job, 2, "A", [1, 1, 1], 10), [0.3f, 0.3f, 0.3f]), T0).Events) state.Apply(e);
        foreach (var e in state.OnUpdate(WithDelta(Update(job, 2, "B", [1, 1, 1], 10), [0f, 0f, 0f]), T0).Events) state.Apply(e);
        var second = Assert.IsType<RoundAggregated>(
            state.OnDecline(new RoundDeclined { JobId = job, Round = 2, SiteId = "C", Reason = "maintenance" }, T0).Events[^1]);
        var c2 = Control(second.ServerState);
        Assert.Equal(0.4, c2[0], 6);
        Assert.Equal(0.0, c2[1], 6);
        Assert.Equal(0.3, c2[2], 6);
    }

    [Fact]
    public void A_scaffold_job_journals_its_control_and_a_replayed_job_continues_identically()
    {
        var job = Guid.NewGuid();
        var journal = new List<IJobEvent>();
        var live = Started(job, Spec(rounds: 3, minSites: 2) with { Strategy = Scaffold }, ["A", "B"], journal);
        for (var round = 1; round <= 2; round++)
        {
            var global = FlatParameters.FromWeights(Layout, live.GlobalWeights).Values;
            foreach (var (site, shift, samples) in new[] { ("A", 0.5f, 10), ("B", -0.25f, 30) })
            {
                var update = WithDelta(Update(job, round, site, global.Select(v => v + shift).ToArray(), samples), [shift * round, -shift, 0.125f]);
                foreach (var e in live.OnUpdate(update, T0).Events) { live.Apply(e); journal.Add(e); }
            }
            Assert.NotNull(Assert.IsType<RoundAggregated>(journal[^1]).ServerState);
            foreach (var site in new[] { "A", "B" })
                foreach (var e in live.OnAnswer(GoodEvaluation(job, round, site), T0).Events) { live.Apply(e); journal.Add(e); }
        }
        // c after two rounds: Σ over rounds of (Δc_A + Δc_B)/2 = ([0.25,−0.25,0.25] + [0.5,−0.25,0.25]) / 2.
        var c = Control(live.ServerControl);
        Assert.Equal(0.375, c[0], 6);
        Assert.Equal(-0.25, c[1], 6);
        Assert.Equal(0.25, c[2], 6);

        var replayed = new JobState();
        foreach (var e in journal) replayed.Apply(e);
        Assert.Equal(c, Control(replayed.ServerControl));
        Assert.Equal(live.ServerControl!.Tensors[0].Data, replayed.ServerControl!.Tensors[0].Data);

        var g = FlatParameters.FromWeights(Layout, replayed.GlobalWeights).Values;
        RoundAggregated Next(JobState state)
        {
            foreach (var e in state.OnUpdate(WithDelta(Update(job, 3, "A", g.Select(v => v + 1).ToArray(), 10), [1, 2, 3]), T0).Events) state.Apply(e);
            return Assert.IsType<RoundAggregated>(state.OnUpdate(WithDelta(Update(job, 3, "B", g.Select(v => v - 1).ToArray(), 10), [3, 2, 1]), T0).Events[^1]);
        }
        var (liveNext, replayedNext) = (Next(live), Next(replayed));
        Assert.Equal(FlatParameters.FromWeights(Layout, liveNext.GlobalWeights).Values, FlatParameters.FromWeights(Layout, replayedNext.GlobalWeights).Values);
        Assert.Equal(Control(liveNext.ServerState), Control(replayedNext.ServerState));
        Assert.Equal(2.375, Control(replayedNext.ServerState)[0], 6);
    }

    [Fact]
    public void A_scaffold_job_refuses_an_update_without_its_control_delta_or_with_one_of_another_layout_and_other_jobs_refuse_any()
    {
        var job = Guid.NewGuid();
        var scaffold = Started(job, Spec() with { Strategy = Scaffold }, ["A", "B"]);
        Assert.Contains("must carry the site's control-variate delta (controlDelta)", scaffold.OnUpdate(Update(job, 1, "A", [1, 1, 1], 10), T0).Refusal);
        Assert.Contains("controlDelta: control variate: tensor 'c' [2], expected 'c' [3]",
            scaffold.OnUpdate(WithDelta(Update(job, 1, "A", [1, 1, 1], 10), [1, 1]), T0).Refusal);
        var twoTensors = Update(job, 1, "A", [1, 1, 1], 10) with { ControlDelta = new FlatParameters(Layout, [1, 1, 1]).ToWeights() };
        Assert.Contains("controlDelta: control variate: 2 tensors, expected 'c' [3]", scaffold.OnUpdate(twoTensors, T0).Refusal);
        var notFinite = WithDelta(Update(job, 1, "A", [1, 1, 1], 10), [1, float.NaN, 1]);
        Assert.Contains("controlDelta: tensor 'c': value 1 is NaN", scaffold.OnUpdate(notFinite, T0).Refusal);
        Assert.Null(scaffold.OnUpdate(WithDelta(Update(job, 1, "A", [1, 1, 1], 10), [1, 1, 1]), T0).Refusal);

        var fedavg = Started(job, Spec(), ["A", "B"]);
        Assert.Null(fedavg.ServerControl);
        Assert.Contains("this job runs fedavg, which takes no control-variate delta",
            fedavg.OnUpdate(WithDelta(Update(job, 1, "A", [1, 1, 1], 10), [1, 1, 1]), T0).Refusal);
    }

    [Fact]
    public void Scaffold_is_refused_with_secure_aggregation_record_level_dp_and_site_level_dp_naming_the_field()
    {
        string Problems(JobSpec spec) => string.Join(" | ", JobSpecRules.Problems(spec));
        var plain = Spec() with { Strategy = Scaffold };
        Assert.Empty(JobSpecRules.Problems(plain));
        Assert.Contains(
            "strategy.name: scaffold sends each site's control-variate delta beside its model, which would need its own masked sum under secure aggregation",
            Problems(plain with { SecureAggregation = true }));
        Assert.Contains("strategy.name: scaffold is not available with record-level DP (privacy)",
            Problems(plain with { Privacy = new DpSgdSettings { NoiseMultiplier = 1, ClipNorm = 1, SamplingRate = 0.1 } }));
        Assert.Contains("strategy.name: scaffold is not available with site-level DP (siteLevelPrivacy)",
            Problems(plain with { SecureAggregation = true, SiteLevelPrivacy = new SiteLevelDpSettings { NoiseMultiplier = 1, ClipNorm = 1, Delta = 1e-5 } }));
        Assert.True(StrategyNames.RunsWithoutSecureAggregation(StrategyNames.Scaffold));
        Assert.False(StrategyNames.NeedsIndividualUpdates(StrategyNames.Scaffold));
        Assert.Contains(StrategyNames.Scaffold, StrategyNames.All);
    }
}
