using FedHealth.Contracts;
using FedHealth.Messaging;
using FedHealth.Messaging.Signing;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace FedHealth.SiteAgent;

/// <summary>
/// Wires site agents into a host: one queue per site (so every site gets each round), and their heartbeats. A
/// hospital's process hosts one site; the local federation hosts several in one process.
/// </summary>
public static class SiteAgentComponent
{
    public static IServiceCollection AddSiteAgents(this IServiceCollection services, IReadOnlyList<Agent> agents)
    {
        services.AddSingleton(agents);
        foreach (var agent in agents)
            if (agent.Security is { } security)
                services.AddMessageSigning(security.Consortium, MessageSender.Site(agent.Id), security.Signing);
        services.AddSingleton(TimeProvider.System);
        services.AddHostedService<SiteHeartbeats>();
        return services;
    }

    public static void ConfigureEndpoints(IBusRegistrationContext context, IBusFactoryConfigurator cfg, IReadOnlyList<Agent> agents)
    {
        var logger = context.GetRequiredService<ILoggerFactory>().CreateLogger("FedHealth.SiteAgent");
        var chunked = new FedHealth.Messaging.Chunking.ChunkedPublisher(context.GetRequiredService<BusOptions>());
        // A hospital's process hosts one site: its bus's own reply queue is named after the site's, so the site's
        // broker account may own it and nothing else (BrokerPermissions).
        if (agents.Count == 1) SiteBusQueue.Name(cfg, agents[0].Id);
        foreach (var agent in agents)
        {
            var publishing = Resilience.ForBus();
            // One per site, used one message at a time (ConcurrentMessageLimit 1), outliving the per-message consumers.
            var spool = new FedHealth.Messaging.Chunking.ChunkSpool(Path.Combine(agent.StateDir, "spool"), SiteRoundConsumer.ChunkedTypes);
            cfg.ReceiveEndpoint(EndpointNames.Site(agent.Id), e =>
            {
                // One round at a time per site: training already uses the site's cores.
                e.ConcurrentMessageLimit = 1;
                // Prefetching more than the next message would only hold slices of a large model in memory.
                if (e is IRabbitMqReceiveEndpointConfigurator rabbit) rabbit.PrefetchCount = 2;
                DurableEndpoint.Configure(e);
                e.Consumer(() => new SiteRoundConsumer(agent, logger, publishing, chunked, spool));
                // On the same queue, in order: a consortium change is taken before the round messages published after it.
                e.Consumer(() => new SiteConsortiumConsumer(agent, logger));
            });
        }
    }
}
