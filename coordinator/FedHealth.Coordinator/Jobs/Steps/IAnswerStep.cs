using FedHealth.Contracts;

namespace FedHealth.Coordinator.Jobs;

/// <summary>
/// A step that asks every participant for one answer (training's evaluation of the round's model, its cross-site
/// scoring of the final models). The kernel (<see cref="JobState"/>) runs it as it runs every step: it sends the request
/// again until the step closes, keeps who answered and who declined, closes the step once everyone has, once the rest
/// have gone silent, or at the deadline, and journals what closes it. A kind declares such steps
/// (<see cref="Kinds.IJobKind.StepOpenedBy"/>); each supplies only its request, the check of an answer and a pure fold.
/// </summary>
public interface IAnswerStep
{
    /// <summary>The job's status while the step runs ("evaluating", "scoring").</summary>
    string Status { get; }

    /// <summary>What a site sends in this step, as refusals and the log name it ("evaluation").</summary>
    string Name { get; }

    /// <summary>Why a site that sent nothing before the deadline is missing from the result.</summary>
    string Late { get; }

    /// <summary>The request the sites answer (sent again until the step closes).</summary>
    IRoundMessage Request(JobState job);

    /// <summary>True for the messages that answer this step.</summary>
    bool Takes(ISiteRoundMessage message);

    /// <summary>A site's answer checked: the event that records it, or why it is refused.</summary>
    StepVerdict Judge(JobState job, ISiteRoundMessage answer);

    /// <summary>The event that records a site's refusal to answer.</summary>
    IJobEvent Declined(int round, string siteId, string reason);

    /// <summary>The answers folded into the events that close the step (and open what comes next).</summary>
    IReadOnlyList<IJobEvent> Close(JobState job, StepAnswers answers, DateTimeOffset now);
}

/// <summary>An answer accepted as the event that records it, or refused with the reason.</summary>
public sealed record StepVerdict(IJobEvent? Answer, string? Problem)
{
    public static StepVerdict Accept(IJobEvent answer) => new(answer, null);
    public static StepVerdict Refuse(string problem) => new(null, problem);
}

/// <summary>What a step closed with: the recorded answers by site id, and each participant missing with its reason.</summary>
public sealed record StepAnswers(IReadOnlyList<IJobEvent> Answers, IReadOnlyList<SiteLeftOut> Missing);

/// <summary>An event that records a site's answer to an answer step.</summary>
public interface IStepAnswer : IJobEvent
{
    string SiteId { get; }
}

/// <summary>An event that records a site's refusal to answer an answer step.</summary>
public interface IStepDecline : IJobEvent
{
    string SiteId { get; }
    string Reason { get; }
}
