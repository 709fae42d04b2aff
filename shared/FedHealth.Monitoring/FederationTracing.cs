using System.Diagnostics;
using MassTransit;

namespace FedHealth.Monitoring;

/// <summary>
/// One trace per round: the coordinator opens the round's span, the trace context rides with each request to the
/// sites in a message header (<see cref="Header"/>, beside the signed contract, never inside it), each site's work on
/// the request is a child span, and the coordinator's folding and aggregation of the answers are children of the
/// round's span. The header only joins spans in a trace: nothing decides anything by it, so a forged one misleads a
/// trace viewer and nothing else. With no listener (no exporter configured, no test) every span here is null and costs nothing.
/// </summary>
public static class FederationTracing
{
    public const string SourceName = "FedHealth";
    /// <summary>The W3C traceparent of the span a message was published in.</summary>
    public const string Header = "fedhealth-traceparent";
    public static readonly ActivitySource Source = new(SourceName);

    /// <summary>A span with no parent (a round is a trace of its own, whatever ran before it on this thread).</summary>
    public static Activity? StartRoot(string name, params (string Key, object? Value)[] tags) =>
        Isolated(() => Source.StartActivity(name, ActivityKind.Internal, default(ActivityContext), Tags(tags)));

    /// <summary>A child of <paramref name="parent"/>, or null when there is none (the round's span is not open, or nobody listens).</summary>
    public static Activity? StartChild(Activity? parent, string name, params (string Key, object? Value)[] tags) =>
        parent is null ? null : Isolated(() => Source.StartActivity(name, ActivityKind.Internal, parent.Context, Tags(tags)));

    /// <summary>
    /// A span for the work a message asks of this process, the child of the span its <see cref="Header"/> names (a
    /// root when it names none or cannot be read); it becomes the current activity, so what it publishes carries it on.
    /// </summary>
    public static Activity? StartFrom(ConsumeContext context, string name, ActivityKind kind, params (string Key, object? Value)[] tags)
    {
        var parent = ActivityContext.TryParse(context.Headers.Get<string>(Header), null, isRemote: true, out var remote) ? remote : default;
        return Source.StartActivity(name, kind, parent, Tags(tags));
    }

    /// <summary>Names the coordinator's span in which a round's answers were aggregated (the last answer came, or the deadline did).</summary>
    public static void Aggregated(Activity? span)
    {
        if (span is null) return;
        span.DisplayName = "coordinator aggregate round";
        span.SetTag("fedhealth.aggregated", true);
    }

    /// <summary>
    /// Runs <paramref name="publish"/> with <paramref name="span"/> current, so the publish carries its context; the
    /// current activity is restored after.
    /// </summary>
    public static T WithCurrent<T>(Activity? span, Func<T> publish)
    {
        if (span is null) return publish();
        var previous = Activity.Current;
        Activity.Current = span;
        try { return publish(); }
        finally { Activity.Current = previous; }
    }

    private static IEnumerable<KeyValuePair<string, object?>> Tags((string Key, object? Value)[] tags) =>
        tags.Select(t => new KeyValuePair<string, object?>(t.Key, t.Value));

    /// <summary>Starts a span without making it the current activity of the caller (an actor's thread serves many jobs).</summary>
    private static Activity? Isolated(Func<Activity?> start)
    {
        var previous = Activity.Current;
        Activity.Current = null;
        try { return start(); }
        finally { Activity.Current = previous; }
    }
}
