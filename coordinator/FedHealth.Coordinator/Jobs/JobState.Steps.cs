using FedHealth.Contracts;

namespace FedHealth.Coordinator.Jobs;

/// <summary>
/// The kernel's answer steps (<see cref="IAnswerStep"/>), whatever the kind: who answered and who declined, the close
/// when everyone has (or the rest are gone, or the deadline passed) with each missing site's reason, written once.
/// </summary>
public sealed partial class JobState
{
    /// <summary>Who answered the current answer step, by site; cleared as each step opens.</summary>
    private readonly StepRoster<IStepAnswer> answering = new();

    /// <summary>The answer step running (the job's phase is <see cref="JobPhase.Answering"/>, or paused in it); null otherwise.</summary>
    public IAnswerStep? CurrentStep { get; private set; }

    /// <summary>A site's answer to the current step: checked by the step, counted, and the step closed once every participant answered.</summary>
    public JobDecision OnAnswer(ISiteRoundMessage answer, DateTimeOffset now)
    {
        var what = CurrentStep is { } running && running.Takes(answer) ? running.Name : answer.GetType().Name;
        if (Check(answer.Round, answer.SiteId, JobPhase.Answering, what) is { } problem) return problem;
        if (CurrentStep is not { } step || !step.Takes(answer))
            return JobDecision.Refuse($"{what} for round {answer.Round} arrived while the job is in round {Round} ({Status}): too late or out of order");
        if (answering.HasAnswered(answer.SiteId)) return JobDecision.Ignore($"duplicate {what} from {answer.SiteId} for round {answer.Round} ignored");
        var verdict = step.Judge(this, answer);
        if (verdict.Problem is { } bad || verdict.Answer is not { } received)
            return JobDecision.Refuse(verdict.Problem ?? $"{what} of {answer.SiteId} was not taken");
        return new JobDecision(answering.Complete(Participants, with: answer.SiteId) ? [received, .. CloseAnswerStep(now, received)] : [received]);
    }

    /// <summary>A site that will not answer the current step (its policy forbids it, say): the step closes without waiting for it.</summary>
    private JobDecision OnAnswerDeclined(RoundDeclined d, DateTimeOffset now)
    {
        var step = CurrentStep!;
        if (answering.HasAnswered(d.SiteId)) return JobDecision.Ignore($"{d.SiteId} already answered the {step.Name} of round {d.Round}");
        var declined = step.Declined(d.Round, d.SiteId, string.IsNullOrWhiteSpace(d.Reason) ? "declined" : d.Reason);
        return new JobDecision(answering.Complete(Participants, with: d.SiteId) ? [declined, .. CloseAnswerStep(now, declined)] : [declined]);
    }

    /// <summary>The step's fold over whoever answered; every participant missing is named with its reason.</summary>
    /// <param name="pending">The answer or decline being decided now (not applied yet).</param>
    /// <param name="goneNow">Sites found silent now, with the reason (see <see cref="OnLiveness"/>).</param>
    private IReadOnlyList<IJobEvent> CloseAnswerStep(DateTimeOffset now, IJobEvent? pending = null, IReadOnlyDictionary<string, string>? goneNow = null)
    {
        var step = CurrentStep!;
        var answers = answering.Answers.Values.Concat(pending is IStepAnswer answer ? [answer] : []).OrderBy(a => a.SiteId, StringComparer.Ordinal).ToList();
        var decliningNow = pending is IStepDecline d ? (d.SiteId, d.Reason) : ((string, string)?)null;
        var missing = Participants.Where(p => answers.All(a => a.SiteId != p))
            .Select(p => new SiteLeftOut { SiteId = p, Reason = answering.LeftOutReason(p, decliningNow, GoneReason(p, goneNow), step.Late) }).ToList();
        return step.Close(this, new StepAnswers(answers, missing), now);
    }

    /// <summary>Applies what an answer step journals: its opening (declared by the kind), an answer, a decline.</summary>
    private void ApplyAnswerStep(IJobEvent e)
    {
        switch (e)
        {
            case IStepAnswer answer:
                answering.Answer(answer.SiteId, answer);
                return;
            case IStepDecline declined:
                answering.Decline(declined.SiteId, declined.Reason);
                return;
        }
        if (Kind.StepOpenedBy(e) is not { } opened) return;
        (CurrentStep, Phase, Deadline) = (opened.Step, JobPhase.Answering, opened.Deadline);
        answering.Clear();
        // Sites found gone in an earlier step may be back: this step waits for them and names them missing afresh.
        gone.Clear();
        Step++;
    }
}
