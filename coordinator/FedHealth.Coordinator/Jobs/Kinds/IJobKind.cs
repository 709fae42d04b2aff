using FedHealth.Contracts;

namespace FedHealth.Coordinator.Jobs.Kinds;

/// <summary>
/// What a kind of job adds to the kernel (<see cref="JobState"/>): the request that opens a round's collection step,
/// how long each site's input to the secure sum is, and a pure fold of that sum into the events that close the round.
/// The kernel owns the rest for every kind: steps and deadlines, attempts and retries, pause, resume and stop,
/// liveness, who answered and why the others were left out, the secure protocol and its checks, the ledger and replay.
/// </summary>
public interface IJobKind
{
    /// <summary>The status a job shows while its collection step runs ("training", "counting").</summary>
    string CollectingStatus { get; }

    /// <summary>The length of each site's input to the round's secure sum.</summary>
    int SecureInputLength(JobState job);

    /// <summary>The request that opens the current round's collection step (sent again until the step closes).</summary>
    ICollectionRequest CollectionRequest(JobState job, string? ledgerHead);

    /// <summary>The round's secure sum folded into the events that close the round, or retry it when the sum is implausible.</summary>
    IReadOnlyList<IJobEvent> FoldSecureSum(JobState job, SecureSum sum);

    /// <summary>
    /// The answer step (<see cref="IAnswerStep"/>) an event of this kind opens, with its deadline; null for the others. This
    /// is how a kind declares its steps after the collection (training: the aggregation opens the evaluation, the last
    /// round's close opens cross-site scoring); the kernel runs them.
    /// </summary>
    (IAnswerStep Step, DateTimeOffset Deadline)? StepOpenedBy(IJobEvent e);

    /// <summary>Applies what this kind keeps of an event (every event is offered, after the kernel applied it).</summary>
    void Apply(IJobEvent e);

    /// <summary>The job's summary with this kind's result in it.</summary>
    JobSummary Describe(JobSummary summary);
}

/// <summary>A round's secure sum as the kernel recovered it: the summed inputs, who is in them, and who is not and why.</summary>
public sealed record SecureSum(ulong[] Values, IReadOnlyList<string> Survivors, IReadOnlyList<SiteLeftOut> LeftOut,
    IReadOnlyList<MaskedUpdateSubmitted> Masked, DateTimeOffset At);

/// <summary>The kind a job's spec names.</summary>
public static class JobKind
{
    public static IJobKind For(JobSpec spec) => spec.Kind switch
    {
        JobKinds.LabelCounts => new LabelCountKind(),
        _ => new TrainingKind(),
    };
}
