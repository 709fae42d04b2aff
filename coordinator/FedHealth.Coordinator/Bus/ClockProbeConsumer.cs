using FedHealth.Contracts;
using MassTransit;

namespace FedHealth.Coordinator.Bus;

/// <summary>
/// Answers a site's clock probe with this node's time: the site's doctor compares it with its own clock, since
/// heartbeats, deadlines and ledger timestamps are judged across machines.
/// </summary>
public sealed class ClockProbeConsumer : IConsumer<ClockProbe>
{
    public Task Consume(ConsumeContext<ClockProbe> context) =>
        context.RespondAsync(new CoordinatorClock { Now = DateTimeOffset.UtcNow });
}
