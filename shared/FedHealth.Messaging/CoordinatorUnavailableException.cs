using MassTransit;

namespace FedHealth.Messaging;

/// <summary>
/// Thrown by a coordinator that is there but cannot answer yet (its node still starting, its cluster without a
/// leader, its job index still replaying the journal). MassTransit returns it to the requester as a fault, so the
/// requester learns why instead of waiting out its timeout; <see cref="Explain"/> reads it back out.
/// </summary>
public sealed class CoordinatorUnavailableException(string reason) : Exception(reason)
{
    /// <summary>What a person should be told when a request to the coordinator failed, or null when it is not a coordinator failure.</summary>
    public static string? Explain(Exception e, TimeSpan requestTimeout) => e switch
    {
        RequestFaultException { Fault: { } fault } when fault.Exceptions.FirstOrDefault(x =>
            x.ExceptionType == typeof(CoordinatorUnavailableException).FullName) is { } why =>
            $"the coordinator is not ready: {why.Message}",
        RequestFaultException => "the coordinator failed to handle the request; its log has the details",
        RequestTimeoutException => $"no coordinator answered within {requestTimeout.TotalSeconds:0} s: none is running, or it is not connected to the bus",
        _ => null,
    };
}
