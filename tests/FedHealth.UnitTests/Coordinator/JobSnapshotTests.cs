using System.Text.Json;
using FedHealth.Contracts;
using FedHealth.Coordinator.Hosting;
using FedHealth.Coordinator.Jobs;
using FedHealth.Learning.Models;
using FedHealth.Learning.Strategies;
using static FedHealth.Tests.Coordinator.JobFixtures;

namespace FedHealth.Tests.Coordinator;

/// <summary>
/// A job restored from its round-close snapshot (through the journal's serializer) goes on exactly as the job that
/// replayed every event: same models, server moments, step counter, budgets and control requests.
/// </summary>
public sealed class JobSnapshotTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 6, 10, 0, 0, TimeSpan.Zero);
    private static readonly string[] Sites = ["A", "B", "C"];
    private readonly Guid job = Guid.NewGuid();

    [Fact]
    public void A_job_restored_from_its_snapshot_steps_on_identically_to_the_job_that_replayed_every_event()
    {
        var spec = Spec(rounds: 4, minSites: 2) with
        {
            Strategy = new StrategySpec { Name = StrategyNames.FedAdam, ServerLearningRate = 1, Beta1 = 0.9, Beta2 = 0.99, Tau = 0.1 },
        };
        var live = new JobState();
        foreach (var e in JobState.Create(job, spec, Sites, T0)) live.Apply(e);
        Assert.False(live.AtRoundBoundary); // round 1 holds nothing a snapshot would save replaying

        // Round 1: C's budget runs out; a lead pauses and resumes the evaluation.
        var stop = new StopJob { RequestId = Guid.NewGuid(), JobId = job, RequestedBy = "lead" };
        Take(live, live.OnUpdate(Update(job, 1, "A", [1, 2, 3], 10), T0));
        Take(live, live.OnDecline(new RoundDeclined { JobId = job, Round = 1, SiteId = "C", Reason = "budget", BudgetExhausted = true }, T0));
        Take(live, live.OnUpdate(Update(job, 1, "B", [3, 2, 1], 30), T0));
        Take(live, live.OnStop(stop, T0));
        Take(live, live.OnResume(new ResumeJob { RequestId = Guid.NewGuid(), JobId = job, RequestedBy = "lead" }, T0));
        foreach (var site in Sites) Take(live, live.OnAnswer(GoodEvaluation(job, 1, site), T0));
        Assert.True(live.AtRoundBoundary);
        Assert.Equal(2, live.Round);

        var snapshot = live.Snapshot();
        var stored = (JobSnapshot)JournalSerializer.Deserialize(JournalSerializer.Serialize(snapshot), nameof(JobSnapshot));
        var restored = new JobState();
        restored.Restore(stored);
        AssertSame(live, restored);

        // The stop taken before the snapshot is still known: carried again, it changes nothing.
        Assert.NotNull(restored.OnStop(stop, T0).Note);
        Assert.Empty(restored.OnStop(stop, T0).Events);

        // Rounds 2 and 3 on both, with the server's moments carried from the snapshot.
        for (var round = 2; round <= 3; round++)
        {
            foreach (var state in new[] { live, restored })
            {
                var global = FlatParameters.FromWeights(Layout, state.GlobalWeights).Values;
                Take(state, state.OnUpdate(Update(job, round, "A", global.Select(v => v + 1).ToArray(), 10), T0));
                Take(state, state.OnUpdate(Update(job, round, "B", global.Select(v => v - 0.5f).ToArray(), 20), T0));
                Take(state, state.OnDecline(new RoundDeclined { JobId = job, Round = round, SiteId = "C", Reason = "budget", BudgetExhausted = true }, T0));
                foreach (var site in Sites) Take(state, state.OnAnswer(GoodEvaluation(job, round, site), T0));
            }
            AssertSame(live, restored);
        }

        // C's exhausted budget came through the snapshot: B's running out too stops both jobs alike.
        foreach (var state in new[] { live, restored })
            Take(state, state.OnDecline(new RoundDeclined { JobId = job, Round = 4, SiteId = "B", Reason = "budget", BudgetExhausted = true }, T0));
        Assert.Equal(JobPhase.Stopped, restored.Phase);
        AssertSame(live, restored);
    }

    [Fact]
    public void An_ended_job_is_snapshotted_whole_and_restores_to_the_same_report_models_and_end()
    {
        var state = new JobState();
        foreach (var e in JobState.Create(job, Spec(rounds: 2), Sites, T0)) state.Apply(e);
        for (var round = 1; round <= 2; round++)
        {
            foreach (var site in Sites) Take(state, state.OnUpdate(Update(job, round, site, [round, 2, 3], 10), T0));
            foreach (var site in Sites) Take(state, state.OnAnswer(GoodEvaluation(job, round, site), T0));
        }
        Assert.Equal(JobPhase.Completed, state.Phase);

        var stored = (JobSnapshot)JournalSerializer.Deserialize(JournalSerializer.Serialize(state.Snapshot()), nameof(JobSnapshot));
        var restored = new JobState();
        restored.Restore(stored);
        AssertSame(state, restored);
        Assert.True(restored.HasEnded);
        Assert.Equal(JsonSerializer.Serialize(state.Model(Checkpoints.Best), WireJson.Options),
            JsonSerializer.Serialize(restored.Model(Checkpoints.Best), WireJson.Options));
        Assert.NotNull(restored.OnUpdate(Update(job, 2, "A", [1, 2, 3], 10), T0).Refusal);
    }

    [Fact]
    public void The_best_checkpoint_is_the_closed_round_with_the_highest_global_auc_and_is_kept_through_the_snapshot()
    {
        var state = new JobState();
        foreach (var e in JobState.Create(job, Spec(rounds: 3), Sites, T0)) state.Apply(e);
        float[]? afterRoundOne = null;
        for (var round = 1; round <= 2; round++)
        {
            foreach (var site in Sites) Take(state, state.OnUpdate(Update(job, round, site, [round, round, round], 10), T0));
            if (round == 1) afterRoundOne = FlatParameters.FromWeights(Layout, state.GlobalWeights).Values;
            // Round 1's model ranks every site's rows perfectly, round 2's inverts them.
            foreach (var site in Sites)
                Take(state, state.OnAnswer(round == 1 ? GoodEvaluation(job, round, site)
                    : Evaluation(job, round, site, [.. Enumerable.Repeat(0.1f, 10), .. Enumerable.Repeat(0.9f, 10)],
                        [.. Enumerable.Repeat(1f, 10), .. Enumerable.Repeat(0f, 10)]), T0));
        }
        Assert.Equal((1, 1.0), (state.Best!.Round, state.Best.Auc));
        var restored = new JobState();
        restored.Restore((JobSnapshot)JournalSerializer.Deserialize(JournalSerializer.Serialize(state.Snapshot()), nameof(JobSnapshot)));
        var best = restored.Model(Checkpoints.Best)!;
        Assert.Equal(1, best.Round);
        Assert.Equal(afterRoundOne, FlatParameters.FromWeights(Layout, best.Weights).Values);
        Assert.Equal(2, restored.Model()!.Round);
        Assert.Null(restored.Model("every-round"));
        Assert.Equal((1, 1.0), (restored.Summary().BestRound, restored.Summary().BestAuc));
    }

    [Fact]
    public void A_job_asked_to_keep_every_second_rounds_model_keeps_them_through_the_snapshot_and_names_each()
    {
        var state = new JobState();
        foreach (var e in JobState.Create(job, Spec(rounds: 5) with { CheckpointEvery = 2 }, Sites, T0)) state.Apply(e);
        var models = new Dictionary<int, float[]>();
        for (var round = 1; round <= 4; round++)
        {
            foreach (var site in Sites) Take(state, state.OnUpdate(Update(job, round, site, [round, -round, 1], 10), T0));
            models[round] = FlatParameters.FromWeights(Layout, state.GlobalWeights).Values;
            foreach (var site in Sites) Take(state, state.OnAnswer(GoodEvaluation(job, round, site), T0));
        }
        var restored = new JobState();
        restored.Restore((JobSnapshot)JournalSerializer.Deserialize(JournalSerializer.Serialize(state.Snapshot()), nameof(JobSnapshot)));
        Assert.Equal([2, 4], restored.Summary().KeptRounds);
        foreach (var round in new[] { 2, 4 })
        {
            var model = restored.Model(Checkpoints.OfRound(round))!;
            Assert.Equal(round, model.Round);
            Assert.Equal(models[round], FlatParameters.FromWeights(Layout, model.Weights).Values);
        }
        Assert.Null(restored.Model(Checkpoints.OfRound(3)));
        Assert.Null(restored.Model("round-x"));
        var problems = FedHealth.Learning.Jobs.JobSpecRules.Problems(Spec(rounds: 5) with { CheckpointEvery = 6 });
        Assert.Contains(problems, p => p.StartsWith("checkpointEvery: 6 must lie in 0..5"));
    }

    [Fact]
    public void A_snapshot_is_refused_anywhere_but_a_round_boundary_and_restores_only_a_fresh_state()
    {
        var state = new JobState();
        foreach (var e in JobState.Create(job, Spec(rounds: 3), Sites, T0)) state.Apply(e);
        Assert.Throws<InvalidOperationException>(() => state.Snapshot());
        Take(state, state.OnUpdate(Update(job, 1, "A", [1, 2, 3], 10), T0));
        Take(state, state.OnUpdate(Update(job, 1, "B", [1, 2, 3], 10), T0));
        Take(state, state.OnUpdate(Update(job, 1, "C", [1, 2, 3], 10), T0));
        foreach (var site in Sites) Take(state, state.OnAnswer(GoodEvaluation(job, 1, site), T0));
        var snapshot = state.Snapshot();
        Take(state, state.OnUpdate(Update(job, 2, "A", [1, 2, 3], 10), T0));
        Assert.False(state.AtRoundBoundary);
        Assert.Throws<InvalidOperationException>(() => state.Snapshot());
        Assert.Throws<InvalidOperationException>(() => state.Restore(snapshot));
    }

    private static void Take(JobState state, JobDecision decision)
    {
        Assert.Null(decision.Refusal);
        foreach (var e in decision.Events) state.Apply(e);
    }

    private static void AssertSame(JobState expected, JobState actual)
    {
        Assert.Equal((expected.Phase, expected.Round, expected.Attempt, expected.Step, expected.Deadline, expected.Detail),
            (actual.Phase, actual.Round, actual.Attempt, actual.Step, actual.Deadline, actual.Detail));
        Assert.Equal(FlatParameters.FromWeights(Layout, expected.GlobalWeights).Values, FlatParameters.FromWeights(Layout, actual.GlobalWeights).Values);
        Assert.Equal(JsonSerializer.Serialize(expected.Summary(), WireJson.Options), JsonSerializer.Serialize(actual.Summary(), WireJson.Options));
        Assert.Equal(JsonSerializer.Serialize(expected.Model(), WireJson.Options), JsonSerializer.Serialize(actual.Model(), WireJson.Options));
    }
}
