using System.Diagnostics.Metrics;

namespace FedHealth.Monitoring;

/// <summary>
/// The platform's own instruments, one meter for every deployable (each records what happens in its process). Exported
/// for Prometheus by <see cref="MonitoringServer"/>, where names lose their dots and gain their unit: for example
/// <c>fedhealth_rounds_closed_total</c> and <c>fedhealth_round_duration_seconds</c>. Tags stay few and bounded: a job
/// kind, a site id, a message type, a decline's category (<see cref="DeclineCategory"/>), never free text.
/// </summary>
public static class FederationMetrics
{
    public const string MeterName = "FedHealth";

    private static readonly Meter Meter = new(MeterName, "1.0");

    private static readonly Counter<long> RoundsClosed = Meter.CreateCounter<long>("fedhealth.rounds.closed", "{round}",
        "Rounds the coordinator closed, by job kind");
    private static readonly Histogram<double> RoundDuration = Meter.CreateHistogram<double>("fedhealth.round.duration", "s",
        "From a round's start to its close, by job kind");
    private static readonly Counter<long> Participants = Meter.CreateCounter<long>("fedhealth.round.participants", "{site}",
        "Participants of closed rounds: contributed or left_out");
    private static readonly Counter<long> Declines = Meter.CreateCounter<long>("fedhealth.declines", "{decline}",
        "Rounds sites declined, by the decline's category; the coordinator counts what it receives, a site what it sends");
    private static readonly Counter<long> JobsEnded = Meter.CreateCounter<long>("fedhealth.jobs.ended", "{job}", "Jobs that ended, by outcome");
    private static readonly Counter<long> BusBytes = Meter.CreateCounter<long>("fedhealth.bus.bytes", "By",
        "Bytes of messages this process received or published, by message type and, where a site sent or is sent it, the site");
    private static readonly Histogram<double> JournalWrite = Meter.CreateHistogram<double>("fedhealth.journal.write.duration", "s",
        "From a job's events handed to the journal to their being stored");
    private static readonly Gauge<double> EpsilonSpent = Meter.CreateGauge<double>("fedhealth.privacy.epsilon.spent", "{epsilon}",
        "The ε a site reported spent in a job so far (record-level DP-SGD)");
    private static readonly Histogram<double> TrainingDuration = Meter.CreateHistogram<double>("fedhealth.site.training.duration", "s",
        "A site's local training of one round");

    public static void RoundClosed(string kind, TimeSpan duration, int contributors, int leftOut)
    {
        var tag = new KeyValuePair<string, object?>("kind", kind);
        RoundsClosed.Add(1, tag);
        RoundDuration.Record(Math.Max(0, duration.TotalSeconds), tag);
        Participants.Add(contributors, new KeyValuePair<string, object?>("outcome", "contributed"));
        Participants.Add(leftOut, new KeyValuePair<string, object?>("outcome", "left_out"));
    }

    /// <param name="side">"received" at the coordinator, "sent" at a site.</param>
    public static void Declined(string reason, string side) =>
        Declines.Add(1, new KeyValuePair<string, object?>("category", DeclineCategory.Of(reason)), new KeyValuePair<string, object?>("side", side));

    public static void JobEnded(string outcome) => JobsEnded.Add(1, new KeyValuePair<string, object?>("outcome", outcome));

    /// <param name="direction">"received" or "published".</param>
    public static void Bus(string direction, string message, string? site, long bytes)
    {
        if (bytes <= 0) return;
        BusBytes.Add(bytes, new KeyValuePair<string, object?>("direction", direction), new KeyValuePair<string, object?>("message", message),
            new KeyValuePair<string, object?>("site", site ?? ""));
    }

    public static void JournalWritten(TimeSpan took) => JournalWrite.Record(took.TotalSeconds);

    public static void Epsilon(Guid job, string site, double epsilon) =>
        EpsilonSpent.Record(epsilon, new KeyValuePair<string, object?>("job", job.ToString()), new KeyValuePair<string, object?>("site", site));

    public static void Trained(string site, TimeSpan took) => TrainingDuration.Record(took.TotalSeconds, new KeyValuePair<string, object?>("site", site));
}
