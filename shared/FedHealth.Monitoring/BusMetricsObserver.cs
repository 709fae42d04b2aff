using FedHealth.Contracts;
using MassTransit;

namespace FedHealth.Monitoring;

/// <summary>
/// Counts the bytes of every message this process takes from or puts on the bus (as serialised), by message type and
/// site: the site that sent it (a site's message names itself) or, for a request a site consumes, the site whose queue
/// it came from.
/// </summary>
public sealed class BusMetricsObserver : IConsumeObserver, IPublishObserver
{
    private const string SiteQueuePrefix = "fedhealth-site-";

    public Task PreConsume<T>(ConsumeContext<T> context) where T : class => Task.CompletedTask;

    public Task PostConsume<T>(ConsumeContext<T> context) where T : class
    {
        var site = context.Message is ISiteMessage m ? m.SiteId : SiteOfQueue(context.ReceiveContext.InputAddress);
        FederationMetrics.Bus("received", typeof(T).Name, site, context.ReceiveContext.Body.Length ?? 0);
        return Task.CompletedTask;
    }

    public Task ConsumeFault<T>(ConsumeContext<T> context, Exception exception) where T : class => Task.CompletedTask;

    public Task PrePublish<T>(PublishContext<T> context) where T : class => Task.CompletedTask;

    public Task PostPublish<T>(PublishContext<T> context) where T : class
    {
        FederationMetrics.Bus("published", typeof(T).Name, (context.Message as ISiteMessage)?.SiteId, context.BodyLength ?? 0);
        return Task.CompletedTask;
    }

    public Task PublishFault<T>(PublishContext<T> context, Exception exception) where T : class => Task.CompletedTask;

    /// <summary>The site whose queue a message was taken from (queue names are lower-cased ids), or null for another endpoint.</summary>
    private static string? SiteOfQueue(Uri? input)
    {
        var name = input?.AbsolutePath.Split('/', StringSplitOptions.RemoveEmptyEntries).LastOrDefault();
        return name is not null && name.StartsWith(SiteQueuePrefix, StringComparison.Ordinal) ? name[SiteQueuePrefix.Length..].ToUpperInvariant() : null;
    }
}
