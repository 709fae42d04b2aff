using Akka.Actor;
using FedHealth.Contracts;

namespace FedHealth.Coordinator.Sites;

/// <summary>Remembers the last heartbeat of every site; a site is online while its last heartbeat is recent.</summary>
public sealed class SiteRegistry : ReceiveActor
{
    /// <summary>Asks for every known site (answered with <see cref="SiteStatus"/>es).</summary>
    public sealed record GetSites;

    private readonly Dictionary<string, SiteHeartbeat> lastHeartbeat = new();

    public static Props Props(TimeProvider clock, TimeSpan offlineAfter) => Akka.Actor.Props.Create(() => new SiteRegistry(clock, offlineAfter));

    public SiteRegistry(TimeProvider clock, TimeSpan offlineAfter)
    {
        Receive<SiteHeartbeat>(h => lastHeartbeat[h.SiteId] = h with { SentAt = clock.GetUtcNow() });
        Receive<GetSites>(_ => Sender.Tell(lastHeartbeat.Values
            .OrderBy(h => h.SiteId, StringComparer.Ordinal)
            .Select(h => new SiteStatus { LastHeartbeat = h, Online = clock.GetUtcNow() - h.SentAt <= offlineAfter })
            .ToList()));
    }
}
