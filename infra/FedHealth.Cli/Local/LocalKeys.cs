using FedHealth.Coordinator.Jobs;
using FedHealth.Privacy.Crypto;
using FedHealth.SiteAgent;

namespace FedHealth.Cli.Local;

/// <summary>
/// The key material of a local federation, kept in its data directory (created on first run, reused after): the
/// coordinator's sealing and signing keys, the dashboard's signing key (the local run creates its job as a lead would),
/// each simulated site's signing key, and the consortium file that registers them.
/// </summary>
public sealed record LocalKeys(SecureAggregationKeys Coordinator, SigningKey Dashboard, IReadOnlyDictionary<string, SiteSecurity> Sites)
{
    public static LocalKeys Create(string dataDir, IReadOnlyDictionary<string, string> jurisdictions)
    {
        var keys = ConsortiumKeys.Provision(dataDir, jurisdictions.Keys, jurisdictions);
        return new LocalKeys(new SecureAggregationKeys(keys.Trust, keys.Sealing, keys.CoordinatorSigning), keys.Dashboard,
            keys.Sites.ToDictionary(p => p.Key, p => new SiteSecurity(p.Value, keys.Trust, p.Key)));
    }
}
