using FedHealth.Contracts;
using FedHealth.Coordinator.Jobs;
using FedHealth.Learning.Models;
using static FedHealth.Tests.Coordinator.JobFixtures;

namespace FedHealth.Tests.Coordinator;

/// <summary>A lead pausing and resuming a job: the rules, without actors.</summary>
public sealed class JobStatePauseTests
{
    private static readonly Guid Job = Guid.NewGuid();
    private static readonly DateTimeOffset T0 = new(2026, 11, 24, 10, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Later = T0.AddHours(3);
    private readonly List<IJobEvent> journal = new();
    private readonly JobState state = new();

    public JobStatePauseTests() => Take(JobState.Create(Job, Spec(rounds: 2, minSites: 2), ["A", "B", "C"], T0));

    [Fact]
    public void A_job_paused_in_training_refuses_site_messages_naming_the_pause_and_its_deadline_and_liveness_do_nothing()
    {
        Take(state.OnUpdate(Update(Job, 1, "A", [1, 1, 1], 10), T0));
        var stepBefore = state.Step;
        Take(state.OnStop(Stop("alice", "site maintenance"), T0.AddSeconds(5)));

        Assert.Equal(JobPhase.Paused, state.Phase);
        var summary = state.Summary();
        Assert.Equal("paused", summary.Status);
        Assert.Equal("paused by alice: site maintenance", summary.Detail);
        Assert.Contains("paused", state.OnUpdate(Update(Job, 1, "B", [1, 1, 1], 10), T0).Refusal);
        Assert.Contains("paused", state.OnDecline(new RoundDeclined { JobId = Job, Round = 1, SiteId = "C", Reason = "busy" }, T0).Refusal);
        Assert.Contains("paused", state.OnAnswer(GoodEvaluation(Job, 1, "A"), T0).Refusal);
        Assert.Empty(state.OnDeadline(stepBefore, Later));
        Assert.Empty(state.OnDeadline(state.Step, Later));
        Assert.Empty(state.OnLiveness(new Dictionary<string, DateTimeOffset>(), TimeSpan.FromSeconds(1), Later));
        Assert.Single(state.Contributors);
    }

    [Fact]
    public void Resuming_a_round_paused_in_training_starts_a_fresh_attempt_with_a_fresh_nonce_and_keeps_the_updates_received()
    {
        Take(state.OnUpdate(Update(Job, 1, "A", [1, 1, 1], 10), T0));
        var nonce = journal.OfType<RoundStartedEvent>().Single().Nonce;
        Take(state.OnStop(Stop("alice"), T0.AddSeconds(5)));
        Assert.Equal("paused by alice", state.Detail);

        var resume = state.OnResume(Resume("bob"), Later);
        Assert.Null(resume.Refusal);
        Assert.IsType<JobResumed>(resume.Events[0]);
        var restarted = Assert.IsType<RoundStartedEvent>(resume.Events[1]);
        Take(resume);

        Assert.Equal((1, 2, Later.AddMinutes(1)), (restarted.Round, restarted.Attempt, restarted.Deadline));
        Assert.False(nonce!.AsSpan().SequenceEqual(restarted.Nonce!));
        Assert.Equal(JobPhase.Collecting, state.Phase);
        Assert.Equal(Later.AddMinutes(1), state.Deadline);
        Assert.Equal("training", state.Summary().Status);
        Assert.Equal("resumed by bob", state.Detail);
        Assert.Equal(["A"], state.Contributors);
        Take(state.OnUpdate(Update(Job, 1, "B", [3, 3, 3], 10), Later));
        var aggregated = Assert.IsType<RoundAggregated>(Assert.Single(state.OnDeadline(state.Step, state.Deadline)));
        Assert.Equal(["A", "B"], aggregated.Contributors);
    }

    [Fact]
    public void Attempts_made_before_a_pause_do_not_make_the_round_fail_sooner_after_the_resume()
    {
        for (var attempt = 1; attempt < JobState.MaxAttemptsPerRound; attempt++) Take(state.OnDeadline(state.Step, state.Deadline));
        Assert.Equal(JobState.MaxAttemptsPerRound, state.Attempt);
        Take(state.OnStop(Stop("alice"), state.Deadline.AddSeconds(-1)));
        Take(state.OnResume(Resume("alice"), Later));

        Assert.Equal(JobState.MaxAttemptsPerRound, AttemptsUntilFailure(state));
    }

    [Fact]
    public void A_job_paused_in_evaluation_reopens_the_evaluation_of_the_same_model_on_resume()
    {
        foreach (var site in new[] { "A", "B", "C" }) Take(state.OnUpdate(Update(Job, 1, site, [2, 2, 2], 10), T0));
        Take(state.OnAnswer(GoodEvaluation(Job, 1, "A"), T0));
        var model = FlatParameters.FromWeights(Layout, state.GlobalWeights).Values;
        Take(state.OnStop(Stop("alice", "audit"), T0.AddSeconds(5)));
        Assert.Contains("paused", state.OnAnswer(GoodEvaluation(Job, 1, "B"), T0).Refusal);
        Assert.Empty(state.OnDeadline(state.Step, Later));

        var resume = state.OnResume(Resume("bob"), Later);
        Assert.IsType<JobResumed>(Assert.Single(resume.Events));
        Take(resume);

        Assert.Equal("evaluating", state.Status);
        Assert.Equal(Later.AddMinutes(1), state.Deadline);
        Assert.Equal(model, FlatParameters.FromWeights(Layout, state.GlobalWeights).Values);
        Take(state.OnAnswer(GoodEvaluation(Job, 1, "B"), Later));
        var closing = state.OnAnswer(GoodEvaluation(Job, 1, "C"), Later);
        var closed = Assert.IsType<RoundClosed>(closing.Events[1]);
        Assert.Equal(["A", "B", "C"], closed.Summary.Sites.Select(s => s.SiteId));
        Assert.Equal(2, Assert.IsType<RoundStartedEvent>(closing.Events[2]).Round);
    }

    [Fact]
    public void Stop_and_resume_are_refused_with_the_reason_when_they_cannot_apply()
    {
        Assert.Contains("is not paused: it is training round 1", state.OnResume(Resume("bob"), T0).Refusal);
        Assert.Contains("requestedBy", state.OnStop(Stop(" "), T0).Refusal);
        Take(state.OnStop(Stop("alice", "audit"), T0));
        Assert.Contains("already paused by alice: audit", state.OnStop(Stop("bob"), T0).Refusal);
        Assert.Contains("requestedBy", state.OnResume(Resume(""), T0).Refusal);

        var completed = Completed();
        Assert.Contains("already ended (completed", completed.OnStop(Stop("alice"), Later).Refusal);
        Assert.Contains("already ended (completed", completed.OnResume(Resume("alice"), Later).Refusal);
    }

    [Fact]
    public void Replaying_a_journal_with_pauses_and_resumes_rebuilds_the_same_state()
    {
        Take(state.OnUpdate(Update(Job, 1, "A", [1, 2, 3], 10), T0));
        Take(state.OnDeadline(state.Step, state.Deadline)); // attempt 2: only A had answered
        Take(state.OnStop(Stop("alice", "audit"), T0.AddMinutes(1.5)));
        var paused = Replayed();
        Assert.Equal((JobPhase.Paused, state.Step, state.Detail), (paused.Phase, paused.Step, paused.Detail));

        Take(state.OnResume(Resume("bob"), Later));
        var replayed = Replayed();
        Assert.Equal(
            (state.Phase, state.Round, state.Attempt, state.Step, state.Deadline, state.Detail, state.Summary().Status),
            (replayed.Phase, replayed.Round, replayed.Attempt, replayed.Step, replayed.Deadline, replayed.Detail, replayed.Summary().Status));
        Assert.Equal(state.Contributors.Order(), replayed.Contributors.Order());
        Assert.Equal(JobState.MaxAttemptsPerRound, AttemptsUntilFailure(replayed));
    }

    /// <summary>How many attempts the round gets, from the current one, before the job fails (driving only deadlines).</summary>
    private static int AttemptsUntilFailure(JobState job)
    {
        for (var attempts = 1; ; attempts++)
        {
            var events = job.OnDeadline(job.Step, job.Deadline);
            foreach (var e in events) job.Apply(e);
            if (events.OfType<JobFinished>().Any(f => f.Outcome == JobOutcome.Failed)) return attempts;
            Assert.IsType<RoundStartedEvent>(Assert.Single(events));
        }
    }

    private static JobState Completed()
    {
        var job = new JobState();
        foreach (var e in JobState.Create(Job, Spec(rounds: 1, minSites: 1), ["A"], T0)) job.Apply(e);
        foreach (var e in job.OnUpdate(Update(Job, 1, "A", [1, 1, 1], 10), T0).Events) job.Apply(e);
        foreach (var e in job.OnAnswer(GoodEvaluation(Job, 1, "A"), T0).Events) job.Apply(e);
        Assert.Equal(JobPhase.Completed, job.Phase);
        return job;
    }

    private JobState Replayed()
    {
        var replayed = new JobState();
        foreach (var e in journal) replayed.Apply(e);
        return replayed;
    }

    private static StopJob Stop(string by, string reason = "") => new() { JobId = Job, RequestedBy = by, Reason = reason, RequestId = Guid.NewGuid() };

    private static ResumeJob Resume(string by) => new() { JobId = Job, RequestedBy = by, RequestId = Guid.NewGuid() };

    private void Take(JobDecision decision)
    {
        Assert.Null(decision.Refusal);
        Take(decision.Events);
    }

    private void Take(IEnumerable<IJobEvent> events)
    {
        foreach (var e in events) { state.Apply(e); journal.Add(e); }
    }
}
