using System.Text.RegularExpressions;
using FedHealth.Contracts;

namespace FedHealth.Messaging;

/// <summary>
/// What one site's broker account may do on RabbitMQ, made from the contracts' own table of who sends what
/// (<see cref="MessageAuthority"/>) and the names MassTransit gives its exchanges and queues: read only its own queue
/// and the coordinator's messages to sites, publish only the messages a site sends, declare only those and its own
/// queues. It cannot read another site's queue, publish a round request, a command or an event, or bind to them.
/// </summary>
public static class BrokerPermissions
{
    /// <summary>Stands for the site's queue name (<see cref="EndpointNames.Site"/>) in <see cref="SiteTemplate"/>.</summary>
    public const string QueuePlaceholder = "{queue}";

    /// <summary>The coordinator's messages to sites (round messages and broadcasts): every site's queue is bound to these exchanges.</summary>
    public static IReadOnlyList<Type> SiteReceives { get; } =
        ContractTypes().Where(t => typeof(IRoundMessage).IsAssignableFrom(t) || typeof(ISiteBroadcast).IsAssignableFrom(t)).ToList();

    /// <summary>What a site sends: everything that names it, and the doctor's clock probe.</summary>
    public static IReadOnlyList<Type> SiteSends { get; } = ContractTypes()
        .Where(t => MessageAuthority.RoleOf(t) is MessageSenderRole.Site or MessageSenderRole.Anyone).ToList();

    /// <summary>RabbitMQ's configure, write and read patterns for a site, with <see cref="QueuePlaceholder"/> for its queue.</summary>
    public static (string Configure, string Write, string Read) SiteTemplate()
    {
        // The endpoint's queue and exchange (same name), MassTransit's _error and _skipped beside them, and the
        // bus's own reply queue, which FederationBus names after the endpoint for a site.
        string[] own = [QueuePlaceholder, $"{QueuePlaceholder}_error", $"{QueuePlaceholder}_skipped", $"{QueuePlaceholder}-bus-[a-z0-9]+"];
        var receives = SiteReceives.Select(Exchange).ToList();
        var sends = SiteSends.Select(Exchange).ToList();
        // A consumer that throws publishes Fault<T> for the message it could not handle.
        var faults = SiteReceives.Select(FaultExchange).Append("MassTransit:Fault").ToList();
        return (Pattern([.. own, .. receives, .. sends, .. faults]), Pattern([.. own, .. sends, .. faults]), Pattern([.. own, .. receives]));
    }

    /// <summary>The patterns for one site.</summary>
    public static (string Configure, string Write, string Read) ForSite(string siteId)
    {
        var (configure, write, read) = SiteTemplate();
        var queue = Regex.Escape(EndpointNames.Site(siteId));
        return (configure.Replace(QueuePlaceholder, queue), write.Replace(QueuePlaceholder, queue), read.Replace(QueuePlaceholder, queue));
    }

    /// <summary>The exchange MassTransit publishes <paramref name="type"/> to on RabbitMQ.</summary>
    public static string Exchange(Type type) => Regex.Escape($"{type.Namespace}:{type.Name}");

    private static string FaultExchange(Type type) => Regex.Escape($"MassTransit:Fault--{type.Namespace}:{type.Name}--");

    private static string Pattern(IEnumerable<string> names) => $"^({string.Join("|", names)})$";

    private static IEnumerable<Type> ContractTypes() =>
        typeof(IRoundMessage).Assembly.GetTypes().Where(t => t is { IsClass: true, IsAbstract: false } && MessageAuthority.RoleOf(t) is not null)
            .OrderBy(t => t.Name, StringComparer.Ordinal);
}
