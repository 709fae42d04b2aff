using MassTransit;

namespace FedHealth.Messaging;

/// <summary>
/// How a queue that must not lose messages is declared: on RabbitMQ a quorum queue (replicated, fsynced, and
/// surviving broker restarts; MassTransit publishes persistent messages with publisher confirms).
/// </summary>
public static class DurableEndpoint
{
    public static readonly TimeSpan[] RetryIntervals = [TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(15), TimeSpan.FromSeconds(30)];

    public static void Configure(IReceiveEndpointConfigurator endpoint)
    {
        if (endpoint is IRabbitMqReceiveEndpointConfigurator rabbit) rabbit.SetQuorumQueue();
    }

    /// <summary>
    /// Retries a message whose handling failed for a transient reason (a coordinator node failing over) with backoff
    /// before giving it up to the error queue. Only for handlers that are idempotent: the coordinator counts each
    /// (job, round, site) once, but a site re-running a round step would draw fresh masking keys, so sites do not retry.
    /// </summary>
    public static void RetryTransientFailures<TConsumer>(IConsumerConfigurator<TConsumer> consumer) where TConsumer : class =>
        consumer.UseMessageRetry(r => r.Intervals(RetryIntervals));
}
