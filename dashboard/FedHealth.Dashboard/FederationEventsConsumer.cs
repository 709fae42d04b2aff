using FedHealth.Contracts;
using MassTransit;
using Microsoft.AspNetCore.SignalR;

namespace FedHealth.Dashboard;

/// <summary>Relays the coordinator's events and sites' heartbeats from the bus to every connected browser.</summary>
public sealed class FederationEventsConsumer(IHubContext<FederationHub> hub) :
    IConsumer<RoundCompleted>, IConsumer<JobEnded>, IConsumer<SiteHeartbeat>, IConsumer<JobStatusChanged>, IConsumer<TransferAppended>
{
    public Task Consume(ConsumeContext<TransferAppended> context) =>
        hub.Clients.All.SendAsync(HubEvents.TransferAppended, context.Message, context.CancellationToken);

    public Task Consume(ConsumeContext<JobStatusChanged> context) =>
        hub.Clients.All.SendAsync(HubEvents.JobStatusChanged, context.Message, context.CancellationToken);

    public Task Consume(ConsumeContext<RoundCompleted> context) =>
        hub.Clients.All.SendAsync(HubEvents.RoundCompleted, context.Message, context.CancellationToken);

    // The final weights stay out of the browser stream; the job page fetches figures, not models.
    public Task Consume(ConsumeContext<JobEnded> context) =>
        hub.Clients.All.SendAsync(HubEvents.JobEnded, context.Message with { FinalWeights = null }, context.CancellationToken);

    public Task Consume(ConsumeContext<SiteHeartbeat> context) =>
        hub.Clients.All.SendAsync(HubEvents.SiteHeartbeat, context.Message, context.CancellationToken);
}
