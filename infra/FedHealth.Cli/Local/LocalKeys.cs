using FedHealth.Coordinator.Jobs;
using FedHealth.Privacy.Crypto;
using FedHealth.Sites;

namespace FedHealth.Cli.Local;

/// <summary>
/// The key material of a local federation, kept in its data directory (created on first run, reused after): the
/// coordinator's sealing key, each simulated site's signing key, and the consortium file that registers them.
/// </summary>
public sealed record LocalKeys(SecureAggregationKeys Coordinator, IReadOnlyDictionary<string, SiteSecurity> Sites)
{
    public static LocalKeys Create(string dataDir, IReadOnlyList<string> siteIds)
    {
        var coordinatorKey = KeyFiles.LoadOrCreateAgreementKey(Path.Combine(dataDir, "coordinator-key.pem"));
        var identities = siteIds.ToDictionary(id => id, id => KeyFiles.LoadOrCreateIdentity(Path.Combine(dataDir, "sites", id, "identity-key.pem")));
        var trust = new ConsortiumTrust(KeyAgreement.PublicKey(coordinatorKey), identities.ToDictionary(p => p.Key, p => p.Value.PublicKey));
        trust.Save(Path.Combine(dataDir, "consortium.json"));
        return new LocalKeys(new SecureAggregationKeys(trust, coordinatorKey), identities.ToDictionary(p => p.Key, p => new SiteSecurity(p.Value, trust)));
    }
}
