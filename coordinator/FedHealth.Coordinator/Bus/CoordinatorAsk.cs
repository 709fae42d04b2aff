using Akka.Actor;
using FedHealth.Coordinator.Hosting;
using FedHealth.Messaging;

namespace FedHealth.Coordinator.Bus;

/// <summary>
/// How a consumer answering a lead's or auditor's request asks the actors: within a bound shorter than the
/// requester's own timeout (CoordinatorOptions.AnswerRequestsWithin), so that a coordinator that is there but not ready says why (as a fault carrying a
/// <see cref="CoordinatorUnavailableException"/>) rather than leaving the requester to time out on a bare silence.
/// </summary>
public static class CoordinatorAsk
{
    public static async Task<object> Ask(CoordinatorNode node, Func<CoordinatorActors, IActorRef> who, string what, object message)
    {
        var within = node.AnswerRequestsWithin;
        var started = System.Diagnostics.Stopwatch.StartNew();
        CoordinatorActors actors;
        try { actors = await node.Actors.WaitAsync(within); }
        catch (TimeoutException) { throw new CoordinatorUnavailableException(node.WhyNoAnswer(what, within)); }
        var left = within - started.Elapsed;
        try { return await who(actors).Ask<object>(message, left > TimeSpan.Zero ? left : TimeSpan.FromMilliseconds(1)); }
        catch (AskTimeoutException) { throw new CoordinatorUnavailableException(node.WhyNoAnswer(what, within)); }
    }
}
