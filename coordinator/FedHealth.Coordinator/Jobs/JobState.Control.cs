using FedHealth.Contracts;

namespace FedHealth.Coordinator.Jobs;

/// <summary>
/// A lead pausing and resuming a job. A pause freezes the step: site messages are refused, deadlines and liveness
/// do nothing. A resume cannot take a training round up where it stood (sites may have dropped it, a secure round's
/// key exchange is stale), so the round starts again as a fresh attempt with a fresh nonce; an evaluation reopens
/// for the model already aggregated.
/// </summary>
public sealed partial class JobState
{
    /// <summary>The phase the job was paused in: a resume goes back to it.</summary>
    private JobPhase pausedFrom;

    /// <summary>Attempts at the current round made before the last resume: a pause is no fault of the sites, so they do not count against the limit.</summary>
    private int attemptsBeforeResume;

    /// <summary>Every stop and resume request taken, from the journal: one carried again changes nothing.</summary>
    private readonly HashSet<Guid> controlRequests = [];

    private JobDecision? AlreadyHandled(Guid requestId, string what) =>
        controlRequests.Contains(requestId) ? JobDecision.Ignore($"{what} request {requestId} was already handled; the job is {Status}") : null;

    public JobDecision OnStop(StopJob stop, DateTimeOffset now)
    {
        if (AlreadyHandled(stop.RequestId, "stop") is { } repeat) return repeat;
        if (string.IsNullOrWhiteSpace(stop.RequestedBy)) return JobDecision.Refuse("a stop must name who asks for it (requestedBy is empty)");
        if (Phase == JobPhase.Paused) return JobDecision.Refuse($"job {JobId} is already {Detail}");
        if (!IsRunning) return JobDecision.Refuse(EndedRefusal("stop"));
        return new JobDecision([new JobPaused(stop.RequestedBy.Trim(), stop.Reason?.Trim() ?? "", now, stop.RequestId)]);
    }

    public JobDecision OnResume(ResumeJob resume, DateTimeOffset now)
    {
        if (AlreadyHandled(resume.RequestId, "resume") is { } repeat) return repeat;
        if (string.IsNullOrWhiteSpace(resume.RequestedBy)) return JobDecision.Refuse("a resume must name who asks for it (requestedBy is empty)");
        if (IsRunning) return JobDecision.Refuse($"job {JobId} is not paused: it is {Status} round {Round}");
        if (Phase != JobPhase.Paused) return JobDecision.Refuse(EndedRefusal("resume"));
        var deadline = now + Spec.RoundDeadline;
        var resumed = new JobResumed(resume.RequestedBy.Trim(), now, deadline, resume.RequestId);
        return pausedFrom == JobPhase.Collecting
            ? new JobDecision([resumed, new RoundStartedEvent(Round, Attempt + 1, deadline, now, NewNonce(Spec))])
            : new JobDecision([resumed]);
    }

    private string EndedRefusal(string what) => $"job {JobId} has already ended ({Status}: {Detail}): there is nothing to {what}";

    /// <summary>Why a site message is refused while the job is not running.</summary>
    private string NotTaking(string what) => Phase == JobPhase.Paused
        ? $"job {JobId} is paused, not taking {what}s until a lead resumes it ({Detail})"
        : $"job {JobId} is {Status}, not taking {what}s";

    private void ApplyPaused(JobPaused paused)
    {
        if (paused.RequestId is { } request) controlRequests.Add(request);
        pausedFrom = Phase;
        Phase = JobPhase.Paused;
        Detail = string.IsNullOrEmpty(paused.Reason) ? $"paused by {paused.By}" : $"paused by {paused.By}: {paused.Reason}";
        // Any deadline timer still running names the old step and is ignored.
        Step++;
    }

    private void ApplyResumed(JobResumed resumed)
    {
        if (resumed.RequestId is { } request) controlRequests.Add(request);
        if (pausedFrom == JobPhase.Collecting) attemptsBeforeResume = Attempt;
        (Phase, Deadline, Detail) = (pausedFrom, resumed.Deadline, $"resumed by {resumed.By}");
        Step++;
    }
}
