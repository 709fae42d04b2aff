using Akka.Actor;
using Akka.Event;
using FedHealth.Privacy.Crypto;
using FedHealth.Contracts;

namespace FedHealth.Coordinator.Sites;

/// <summary>
/// Remembers the last heartbeat of every site; a site is online while its last heartbeat is recent. It runs as a
/// cluster singleton and keeps nothing on disk: after a restart or a hand-over heartbeats refill it within seconds.
/// </summary>
public sealed class SiteRegistry : ReceiveActor
{
    /// <summary>Asks for every known site (answered with <see cref="SiteList"/>).</summary>
    public sealed record GetSites : Hosting.ICrossNodeMessage;

    /// <summary>Every known site, in site-id order.</summary>
    public sealed record SiteList(IReadOnlyList<SiteStatus> Sites) : Hosting.ICrossNodeMessage;

    /// <summary>Asks when each site was last heard from (answered with <see cref="LastSeen"/>).</summary>
    public sealed record GetLastSeen : Hosting.ICrossNodeMessage;

    /// <summary>
    /// When each site was last heard from, and since when this registry has been listening: a site it has not
    /// heard from is only known to be silent since then, not forever (a fresh registry after a fail-over knows nobody).
    /// </summary>
    public sealed record LastSeen(IReadOnlyDictionary<string, DateTimeOffset> Sites, DateTimeOffset ListeningSince) : Hosting.ICrossNodeMessage
    {
        public DateTimeOffset For(string siteId) => Sites.TryGetValue(siteId, out var seen) ? seen : ListeningSince;
    }

    private readonly Dictionary<string, SiteHeartbeat> lastHeartbeat = new();
    /// <summary>The site's own send time of the last heartbeat taken from it: a heartbeat must be newer (no replays).</summary>
    private readonly Dictionary<string, DateTimeOffset> lastSentAt = new();
    private readonly ILoggingAdapter log = Context.GetLogger();

    /// <param name="trust">The consortium's keys; with them only signed, fresh heartbeats of registered sites are taken.</param>
    public static Props Props(TimeProvider clock, TimeSpan offlineAfter, ConsortiumTrust? trust = null) =>
        Props(clock, offlineAfter, trust is null ? null : () => trust);

    /// <param name="currentTrust">The consortium file as it stands at each heartbeat (it may change while the coordinator runs).</param>
    public static Props Props(TimeProvider clock, TimeSpan offlineAfter, Func<ConsortiumTrust>? currentTrust) =>
        Akka.Actor.Props.Create(() => new SiteRegistry(clock, offlineAfter, currentTrust));

    public SiteRegistry(TimeProvider clock, TimeSpan offlineAfter, Func<ConsortiumTrust>? currentTrust)
    {
        var listeningSince = clock.GetUtcNow();
        Receive<SiteHeartbeat>(h =>
        {
            var now = clock.GetUtcNow();
            if (HeartbeatCheck.Problem(h, currentTrust?.Invoke(), now, h.SiteId is { } id && lastSentAt.TryGetValue(id, out var last) ? last
                : null) is { } problem)
            {
                log.Warning("heartbeat refused: {0}", problem);
                return;
            }
            lastSentAt[h.SiteId] = h.SentAt;
            lastHeartbeat[h.SiteId] = h with { SentAt = now };
        });
        Receive<GetSites>(_ => Sender.Tell(new SiteList(lastHeartbeat.Values
            .OrderBy(h => h.SiteId, StringComparer.Ordinal)
            .Select(h => new SiteStatus { LastHeartbeat = h, Online = clock.GetUtcNow() - h.SentAt <= offlineAfter })
            .ToList())));
        Receive<GetLastSeen>(_ => Sender.Tell(new LastSeen(lastHeartbeat.ToDictionary(p => p.Key, p => p.Value.SentAt), listeningSince)));
    }
}
