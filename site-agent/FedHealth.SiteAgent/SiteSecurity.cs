using FedHealth.Privacy.Crypto;

namespace FedHealth.Sites;

/// <summary>A site's key material for secure rounds: its signing identity and the consortium's registered keys.</summary>
public sealed record SiteSecurity(SigningKey Identity, ConsortiumTrust Trust)
{
    public static SiteSecurity? Load(SiteConfig config)
    {
        if (config.ConsortiumFile is null || config.IdentityKeyFile is null) return null;
        if (!File.Exists(config.IdentityKeyFile)) throw new InvalidOperationException($"{config.IdentityKeyFile}: the site's identity key is missing");
        var security = new SiteSecurity(SigningKey.FromPem(File.ReadAllText(config.IdentityKeyFile)), ConsortiumTrust.Load(config.ConsortiumFile));
        if (!security.Trust.Sites.TryGetValue(config.Site.Id, out var registered) || !registered.AsSpan().SequenceEqual(security.Identity.PublicKey))
            throw new InvalidOperationException($"{config.ConsortiumFile}: site {config.Site.Id} is not registered with the key in {config.IdentityKeyFile}");
        return security;
    }
}
