using FedHealth.Contracts;
using FedHealth.Messaging.Signing;

namespace FedHealth.Coordinator.Hosting;

/// <summary>
/// What the coordinator tells sites about the consortium file it holds: the CA-signed file when it takes a new version,
/// and again when a site's heartbeat shows an older one (it was offline, or joined from an older bundle), at most once
/// every <see cref="Interval"/> for each such site, so a site that refuses it is not flooded and one whose queue missed
/// a relay is not kept waiting by another's. An unsigned (development) file is never relayed:
/// sites would refuse it.
/// </summary>
public sealed class ConsortiumRelay(ConsortiumFileSource source, TimeProvider time)
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(30);
    private readonly Lock gate = new();
    /// <summary>When each site that was behind was last sent the file.</summary>
    private readonly Dictionary<string, DateTimeOffset> lastSent = new();

    /// <summary>The file to relay now that the coordinator took it (to every site at once); null when it is unsigned.</summary>
    public ConsortiumChanged? Taken()
    {
        lock (gate)
        {
            lastSent.Clear();
            return Message();
        }
    }

    /// <summary>The file to relay because <paramref name="heartbeat"/>'s site holds an older version; null when none is due.</summary>
    public ConsortiumChanged? Behind(SiteHeartbeat heartbeat)
    {
        if (heartbeat.ConsortiumVersion >= source.Current.Version) return null;
        lock (gate)
        {
            var now = time.GetUtcNow();
            if (lastSent.TryGetValue(heartbeat.SiteId, out var last) && now - last < Interval) return null;
            lastSent[heartbeat.SiteId] = now;
            return Message();
        }
    }

    private ConsortiumChanged? Message() =>
        source.Current is { Signature: not null } trust ? new ConsortiumChanged { Version = trust.Version, Consortium = trust.ToJson() } : null;
}
