using FedHealth.Coordinator.Jobs;
using static FedHealth.Tests.Coordinator.JobFixtures;

namespace FedHealth.Tests.Coordinator;

/// <summary>
/// A step's request that reaches the bus late (the broker was down, the coordinator was recovering) gives its sites a
/// full window from then, so a round does not burn an attempt nobody could hear. The rules, without actors.
/// </summary>
public sealed class LateRequestTests
{
    private static readonly Guid Job = Guid.NewGuid();
    private static readonly DateTimeOffset T0 = new(2026, 11, 24, 10, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Window = TimeSpan.FromSeconds(15);
    private readonly List<IJobEvent> journal = new();
    private readonly JobState state = new();

    public LateRequestTests() => Take(JobState.Create(Job, Spec(rounds: 2, minSites: 2, deadline: Window), ["A", "B"], T0));

    [Fact]
    public void A_request_delivered_in_time_keeps_its_deadline()
    {
        Assert.Empty(state.OnRequestDelivered(state.Step, T0.AddMilliseconds(40)));
        Assert.Empty(state.OnRequestDelivered(state.Step, T0 + Window / 2 - TimeSpan.FromMilliseconds(1)));
        Assert.Equal(T0 + Window, state.Deadline);
    }

    [Fact]
    public void A_training_request_delivered_after_its_deadline_passed_runs_a_full_window_from_delivery_on_the_same_attempt()
    {
        var delivered = T0.AddSeconds(40);
        var extended = Assert.IsType<DeadlineExtended>(Assert.Single(state.OnRequestDelivered(state.Step, delivered)));
        Take([extended]);

        Assert.Equal((state.Step, delivered + Window, delivered), (extended.Step, extended.Deadline, extended.At));
        Assert.Equal(delivered + Window, state.Deadline);
        Assert.Empty(state.OnDeadline(state.Step, delivered.AddSeconds(1)));
        Take(state.OnUpdate(Update(Job, 1, "A", [1, 1, 1], 10), delivered.AddSeconds(2)));
        Take(state.OnUpdate(Update(Job, 1, "B", [3, 3, 3], 10), delivered.AddSeconds(3)));
        Assert.Equal((1, "evaluating"), (state.Attempt, state.Status));
    }

    [Fact]
    public void An_evaluation_request_delivered_late_also_gets_a_full_window()
    {
        Take(state.OnUpdate(Update(Job, 1, "A", [1, 1, 1], 10), T0));
        Take(state.OnUpdate(Update(Job, 1, "B", [3, 3, 3], 10), T0));
        Assert.Equal("evaluating", state.Status);
        var delivered = state.Deadline.AddSeconds(-1);

        Take(state.OnRequestDelivered(state.Step, delivered));

        Assert.Equal(delivered + Window, state.Deadline);
        Assert.Empty(state.OnDeadline(state.Step, delivered.AddSeconds(5)));
    }

    [Fact]
    public void A_confirmation_of_an_older_step_or_of_a_paused_job_changes_nothing()
    {
        var firstStep = state.Step;
        Take(state.OnDeadline(firstStep, T0 + Window)); // attempt 2
        Assert.Empty(state.OnRequestDelivered(firstStep, T0.AddMinutes(5)));

        Take(state.OnStop(new() { JobId = Job, RequestedBy = "alice", RequestId = Guid.NewGuid() }, T0.AddSeconds(20)));
        Assert.Empty(state.OnRequestDelivered(state.Step, T0.AddMinutes(5)));
    }

    [Fact]
    public void Replaying_the_journal_gives_the_extended_deadline_and_a_later_step_takes_its_own()
    {
        var delivered = T0.AddSeconds(40);
        Take(state.OnRequestDelivered(state.Step, delivered));
        var replayed = new JobState();
        foreach (var e in journal) replayed.Apply(e);
        Assert.Equal((state.Step, delivered + Window), (replayed.Step, replayed.Deadline));

        Take(state.OnDeadline(state.Step, delivered + Window)); // attempt 2 opens with its own window
        Assert.Equal((2, delivered + Window + Window), (state.Attempt, state.Deadline));
    }

    [Fact]
    public void A_decline_redelivered_from_an_earlier_attempt_is_ignored_and_one_of_the_running_attempt_counts()
    {
        Take(state.OnDeadline(state.Step, T0 + Window)); // attempt 2
        var stale = state.OnDecline(new() { JobId = Job, Round = 1, Attempt = 1, SiteId = "B", Reason = "busy" }, T0.AddSeconds(20));
        Assert.Null(stale.Refusal);
        Assert.Empty(stale.Events);
        Assert.Equal($"decline from B for attempt 1 of round 1 ignored: attempt 2 is running", stale.Note);

        var current = state.OnDecline(new() { JobId = Job, Round = 1, Attempt = 2, SiteId = "B", Reason = "busy" }, T0.AddSeconds(20));
        Assert.Equal("busy", Assert.IsType<SiteDeclined>(Assert.Single(current.Events)).Reason);
        var unnamed = state.OnDecline(new() { JobId = Job, Round = 1, SiteId = "A", Reason = "busy" }, T0.AddSeconds(20));
        Assert.IsType<SiteDeclined>(unnamed.Events[0]);
    }

    private void Take(FedHealth.Coordinator.Jobs.JobDecision decision)
    {
        Assert.Null(decision.Refusal);
        Take(decision.Events);
    }

    private void Take(IReadOnlyList<IJobEvent> events)
    {
        foreach (var e in events)
        {
            state.Apply(e);
            journal.Add(e);
        }
    }
}
