using FedHealth.Contracts;
using MassTransit;
using Microsoft.Extensions.Logging;

namespace FedHealth.SiteAgent;

/// <summary>
/// Takes the consortium file the coordinator relays (a site enrolled, rotated or revoked) when the consortium CA signed
/// it and it is newer than the site's; the decision goes to the site's log and its audit log.
/// </summary>
public sealed class SiteConsortiumConsumer(Agent agent, ILogger logger) : IConsumer<ConsortiumChanged>
{
    public Task Consume(ConsumeContext<ConsortiumChanged> context)
    {
        if (agent.Security is not { } security) return Task.CompletedTask;
        var (taken, line) = security.Take(context.Message);
        if (line is null) return Task.CompletedTask;
        if (taken) logger.LogWarning("site {Site}: {What}", agent.Id, line);
        else logger.LogWarning("site {Site}: refused the consortium file the coordinator relayed: {Reason}", agent.Id, line);
        agent.Gate.Received(context.Message, taken ? $"taken: {line}" : $"refused: {line}");
        return Task.CompletedTask;
    }
}
