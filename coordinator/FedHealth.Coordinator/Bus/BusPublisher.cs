using FedHealth.Messaging;
using MassTransit;
using Polly;

namespace FedHealth.Coordinator.Bus;

/// <summary>
/// Publishes through MassTransit, retried with backoff behind a circuit breaker while the broker is away, each try
/// with a deadline: a publish the broker never confirms must not hang an actor's pipe.
/// </summary>
public sealed class BusPublisher(IBus bus, BusOptions options) : IFederationPublisher
{
    private readonly ResiliencePipeline resilience = Resilience.ForBus();

    public async Task Publish<T>(T message) where T : class =>
        await resilience.ExecuteAsync(async _ =>
        {
            using var deadline = new CancellationTokenSource(options.PublishTimeout);
            await bus.Publish(message, deadline.Token);
        });
}
