namespace FedHealth.Contracts;

/// <summary>Marker for requests only the consortium's dashboard may send (job commands, the coordinator's queries); it signs them.</summary>
public interface IDashboardRequest;

/// <summary>Marker for the coordinator's answers and events to dashboards (besides <see cref="IRoundMessage"/>s to sites); it signs them.</summary>
public interface ICoordinatorMessage;

/// <summary>Who may send a message: the coordinator, the dashboard, one named site, or anyone (a harmless probe).</summary>
public sealed record MessageSender(MessageSenderRole Role, string? SiteId = null)
{
    public static readonly MessageSender Coordinator = new(MessageSenderRole.Coordinator);
    public static readonly MessageSender Dashboard = new(MessageSenderRole.Dashboard);
    public static readonly MessageSender Anyone = new(MessageSenderRole.Anyone);
    public static MessageSender Site(string siteId) => new(MessageSenderRole.Site, siteId);

    public override string ToString() => Role == MessageSenderRole.Site ? $"site {SiteId}" : Role.ToString().ToLowerInvariant();
}

public enum MessageSenderRole { Coordinator, Dashboard, Site, Anyone }

/// <summary>
/// The one table of who may send what between organisations. Senders sign by it and receivers verify by it, so a
/// message type nobody declared cannot be sent signed nor taken, and the broker's per-account permissions follow it.
/// </summary>
public static class MessageAuthority
{
    /// <summary>The one party that may have sent <paramref name="message"/>; null when no FedHealth contract declares it.</summary>
    public static MessageSender? SenderOf(object message) => message switch
    {
        ISiteMessage site => MessageSender.Site(site.SiteId),
        IRoundMessage or ISiteBroadcast or ICoordinatorMessage => MessageSender.Coordinator,
        IDashboardRequest => MessageSender.Dashboard,
        // The site doctor asks the coordinator's clock before a site has keys; the answer is the time, nothing more.
        ClockProbe => MessageSender.Anyone,
        _ => null,
    };

    /// <summary>The role that sends messages of <paramref name="type"/>, from its markers alone (the broker's permissions are made from it).</summary>
    public static MessageSenderRole? RoleOf(Type type) =>
        typeof(ISiteMessage).IsAssignableFrom(type) ? MessageSenderRole.Site
        : typeof(IRoundMessage).IsAssignableFrom(type) || typeof(ISiteBroadcast).IsAssignableFrom(type) || typeof(ICoordinatorMessage).IsAssignableFrom(type)
            ? MessageSenderRole.Coordinator
        : typeof(IDashboardRequest).IsAssignableFrom(type) ? MessageSenderRole.Dashboard
        : type == typeof(ClockProbe) ? MessageSenderRole.Anyone
        : null;
}
