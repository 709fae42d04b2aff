using MassTransit;

namespace FedHealth.Messaging;

/// <summary>
/// How a queue that must not lose messages is declared: on RabbitMQ a quorum queue (replicated, fsynced, and
/// surviving broker restarts; MassTransit publishes persistent messages with publisher confirms), and a message
/// whose handling failed for a transient reason (a coordinator node failing over) is retried with backoff before
/// it is given up to the error queue.
/// </summary>
public static class DurableEndpoint
{
    public static readonly TimeSpan[] RetryIntervals = [TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(15), TimeSpan.FromSeconds(30)];

    public static void Configure(IReceiveEndpointConfigurator endpoint)
    {
        if (endpoint is IRabbitMqReceiveEndpointConfigurator rabbit) rabbit.SetQuorumQueue();
        endpoint.UseMessageRetry(r => r.Intervals(RetryIntervals));
    }
}
