using FedHealth.Messaging;
using MassTransit;

namespace FedHealth.Coordinator.Bus;

/// <summary>Publishes through MassTransit with a deadline: a publish the broker never confirms must not hang an actor's pipe.</summary>
public sealed class BusPublisher(IBus bus, BusOptions options) : IFederationPublisher
{
    public async Task Publish<T>(T message) where T : class
    {
        using var deadline = new CancellationTokenSource(options.PublishTimeout);
        await bus.Publish(message, deadline.Token);
    }
}
