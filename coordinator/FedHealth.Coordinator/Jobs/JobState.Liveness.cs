using FedHealth.Privacy.SecureAggregation;

namespace FedHealth.Coordinator.Jobs;

/// <summary>
/// Telling "training" from "gone": a site that still sends heartbeats (they keep coming while it trains) is waited
/// for until the deadline; when every site a step still waits for has gone silent, the step closes at once if the
/// quorum is there, and the silent sites are left out as gone. A site that comes back takes part in the next round.
/// </summary>
public sealed partial class JobState
{
    /// <summary>
    /// The current step's request was confirmed on the bus, with the bus up, from <paramref name="now"/> on. A deadline is
    /// fixed when its step opens; if the request could only be heard much later (the broker was down, the coordinator
    /// was recovering), the sites never had the time it promised and the attempt would fail without anyone having heard
    /// it. Then the step runs for a full window from then. A request heard in time changes nothing.
    /// </summary>
    public IReadOnlyList<IJobEvent> OnRequestDelivered(int step, DateTimeOffset now) =>
        step == Step && IsRunning && Deadline - now < Spec.RoundDeadline / 2 ? [new DeadlineExtended(step, now + Spec.RoundDeadline, now)] : [];

    /// <summary>
    /// After an outage the sites reconnect one by one, some many seconds after the coordinator. A training step that
    /// still waits for a site that could not hear its request yet must not close: a secure round would open a new
    /// attempt that site cannot hear either (and the others leave, too few parties for their policy), so the outage,
    /// not the sites, would spend the round's attempts. The step waits a further window on the same attempt and nonce;
    /// an attempt so only fails, and counts, when every site it lacked could hear it. A plain round that has its
    /// quorum goes on without the site. Who is unreachable, and for how long at most, the caller knows (heartbeats).
    /// </summary>
    private DeadlineExtended? WaitForUnreachable(IReadOnlyCollection<string>? unreachable, DateTimeOffset now)
    {
        if (unreachable is not { Count: > 0 } || Phase != JobPhase.Collecting) return null;
        if (secure is null && training.Answers.Count >= Spec.MinSites) return null;
        return WaitingFor().Any(unreachable.Contains) ? new DeadlineExtended(Step, now + Spec.RoundDeadline, now) : null;
    }

    public IReadOnlyList<IJobEvent> OnLiveness(IReadOnlyDictionary<string, DateTimeOffset> lastSeen, TimeSpan offlineAfter, DateTimeOffset now)
    {
        if (!IsRunning) return [];
        var waiting = WaitingFor();
        if (waiting.Count == 0) return [];
        var silent = waiting.Where(s => !lastSeen.TryGetValue(s, out var seen) || now - seen > offlineAfter).ToList();
        if (silent.Count < waiting.Count || !QuorumAnswered()) return [];
        var goneEvent = new SitesGone(Round, silent.ToDictionary(s => s, s => lastSeen.TryGetValue(s, out var t) ? t : (DateTimeOffset?)null));
        var reasons = goneEvent.LastSeen.ToDictionary(p => p.Key, p => GoneText(p.Value));
        IReadOnlyList<IJobEvent> closing = Phase == JobPhase.Answering ? CloseAnswerStep(now, null, reasons)
            : secure is not null ? CloseSecureStep(now, reasons)
            : [Aggregate(now, null, null, reasons)];
        return [goneEvent, .. closing];
    }

    /// <summary>Who the current step is still waiting for.</summary>
    private IReadOnlyList<string> WaitingFor() => Phase switch
    {
        JobPhase.Answering => answering.WaitingFor(Participants),
        JobPhase.Collecting when secure is not null => training.WaitingFor(secure.Expected.Where(p => !secure.Answered.Contains(p))),
        JobPhase.Collecting => training.WaitingFor(Participants),
        _ => [],
    };

    private bool QuorumAnswered() => Phase switch
    {
        JobPhase.Answering => true,
        // Unmasking needs more than a count in a sparse graph: enough holders of every secret to be rebuilt.
        JobPhase.Collecting when secure is not null => (secure.Phase != SecurePhase.Unmasking || secure.CanFinish) &&
            secure.Answered.Count >= SecureSettings!.Threshold && secure.Answered.Count >= Math.Min(Spec.MinSites, Participants.Count),
        JobPhase.Collecting => training.Answers.Count >= Spec.MinSites,
        _ => false,
    };

    private string? GoneReason(string site, IReadOnlyDictionary<string, string>? goneNow) =>
        goneNow is not null && goneNow.TryGetValue(site, out var now) ? now : gone.GetValueOrDefault(site);

    private static string GoneText(DateTimeOffset? seen) =>
        seen is { } t ? $"gone: no heartbeat since {t:u}" : "gone: never heard from";
}
