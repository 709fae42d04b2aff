using FedHealth.Contracts;
using FedHealth.Messaging;
using FedHealth.Messaging.Chunking;
using MassTransit;
using Microsoft.Extensions.Logging;
using Polly;

namespace FedHealth.Coordinator.Bus;

/// <summary>
/// Publishes through MassTransit, retried with backoff behind a circuit breaker while the broker is away, each try
/// with a deadline: a publish the broker never confirms must not hang an actor's pipe. A message too large for one
/// broker message goes as slices (<see cref="ChunkedPublisher"/>).
/// </summary>
public sealed class BusPublisher(IBus bus, BusOptions options, ILogger<BusPublisher> log) : IFederationPublisher
{
    private readonly ResiliencePipeline resilience = Resilience.ForBus();
    private readonly ChunkedPublisher chunked = new(options);

    public async Task Publish<T>(T message) where T : class
    {
        foreach (var part in chunked.Messages(WithoutOversizedModel(message), siteId: null))
            await resilience.ExecuteAsync(async _ =>
            {
                using var deadline = new CancellationTokenSource(options.PublishTimeout);
                await bus.Publish(part, part.GetType(), deadline.Token);
            });
    }

    /// <summary>
    /// Up only while every receive endpoint is ready (Healthy). While the broker is away MassTransit reports the bus
    /// Degraded, not Unhealthy (its endpoints keep retrying, "starting" again and again), and an endpoint that cannot
    /// receive means site answers cannot arrive: measured in BrokerRestartTests, a 35 s outage was Degraded throughout,
    /// and a step's deadline that fired in it burned one of the round's attempts while nobody could answer.
    /// </summary>
    public bool IsUp
    {
        get
        {
            if (bus is not IBusControl control) return true;
            var health = control.CheckHealth();
            // Logged when it changes, so an operator sees when the coordinator lost and regained its broker.
            if (Interlocked.Exchange(ref lastStatus, (int)health.Status) != (int)health.Status)
                log.LogInformation("the bus is {Status}: {Description}", health.Status, health.Description);
            return health.Status == BusHealthStatus.Healthy;
        }
    }

    private int lastStatus = (int)BusHealthStatus.Healthy;

    /// <summary>
    /// The end-of-job notice goes to dashboards and watchers, not to sites; with a model too large for the broker
    /// it goes without the weights (the final model stays in the job's journal and is saved by the coordinator's host).
    /// </summary>
    private object WithoutOversizedModel(object message) =>
        message is JobEnded { FinalWeights: not null } ended && !chunked.FitsWhole(ended)
            ? ended with { FinalWeights = null, Detail = $"{ended.Detail} (final model too large for the bus: kept in the coordinator's journal)" }
            : message;
}
