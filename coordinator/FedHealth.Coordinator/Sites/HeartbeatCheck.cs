using FedHealth.Contracts;
using FedHealth.Privacy.Crypto;

namespace FedHealth.Coordinator.Sites;

/// <summary>
/// Whether a heartbeat may change what the coordinator believes about a site (online, schema, jurisdiction, policy).
/// With consortium keys: only the site itself, by its registered signing key, and only with a heartbeat newer than
/// the last one taken and sent within <see cref="MaxSkew"/> of this coordinator's clock. A forged burst rewrote a
/// site's jurisdiction past its policy and the ledger; a replayed old heartbeat kept a stopped site "online".
/// </summary>
public static class HeartbeatCheck
{
    /// <summary>How far a heartbeat's own clock may be from the coordinator's (the site doctor warns long before).</summary>
    public static readonly TimeSpan MaxSkew = TimeSpan.FromMinutes(2);

    /// <param name="lastSentAt">The send time of the last heartbeat taken from this site, if any.</param>
    public static string? Problem(SiteHeartbeat heartbeat, ConsortiumTrust? trust, DateTimeOffset now, DateTimeOffset? lastSentAt)
    {
        if (string.IsNullOrEmpty(heartbeat.SiteId)) return "the heartbeat names no site";
        // Without consortium keys nothing more can be checked: development only, and the coordinator says so when it starts.
        if (trust is null) return null;
        if (!trust.Sites.TryGetValue(heartbeat.SiteId, out var key))
            return $"site '{heartbeat.SiteId}' is not in the consortium file";
        if (!SigningKey.Verify(key, SignedMessage.Digest(heartbeat with { Signature = null }), heartbeat.Signature))
            return $"the heartbeat of {heartbeat.SiteId} is unsigned or its signature does not verify against the site's registered key";
        if (trust.Jurisdictions.TryGetValue(heartbeat.SiteId, out var registered) && registered != heartbeat.Jurisdiction)
            return $"the heartbeat of {heartbeat.SiteId} states jurisdiction '{heartbeat.Jurisdiction}', but the consortium file registers the " +
                $"site in '{registered}'";
        var skew = heartbeat.SentAt - now;
        if (skew.Duration() > MaxSkew)
            return $"the heartbeat of {heartbeat.SiteId} was sent at {heartbeat.SentAt:O}, {skew.TotalSeconds:F0} s from this coordinator's clock (replayed, " +
                $"or a clock off by more than {MaxSkew.TotalMinutes:0} min)";
        if (lastSentAt is { } last && heartbeat.SentAt <= last)
            return $"the heartbeat of {heartbeat.SiteId} sent at {heartbeat.SentAt:O} is not newer than the last one taken ({last:O}): " +
                "replayed or out of order";
        return null;
    }
}
