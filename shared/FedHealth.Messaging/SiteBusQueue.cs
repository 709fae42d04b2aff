using MassTransit;

namespace FedHealth.Messaging;

/// <summary>
/// Names a site process's bus queue (where answers to its requests arrive) after the site's own queue, with a random
/// suffix per process, so a site's broker account, which may touch only names of its own, can create it.
/// </summary>
public static class SiteBusQueue
{
    public static void Name(IBusFactoryConfigurator cfg, string siteId)
    {
        if (cfg is IRabbitMqBusFactoryConfigurator rabbit)
            rabbit.OverrideDefaultBusEndpointQueueName($"{EndpointNames.Site(siteId)}-bus-{Guid.NewGuid():N}");
    }
}
