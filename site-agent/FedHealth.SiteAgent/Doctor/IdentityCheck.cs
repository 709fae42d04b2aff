using System.Security.Cryptography;

namespace FedHealth.SiteAgent.Doctor;

/// <summary>The site's signing key and the consortium file, and that the consortium knows this site by that key.</summary>
public static class IdentityCheck
{
    private const string Name = "identity";

    public static CheckResult Run(SiteConfig config)
    {
        if (config.ConsortiumFile is not { } consortium || config.IdentityKeyFile is not { } key)
            return CheckResult.Warn(Name,
                "no consortiumFile and identityKeyFile: the site cannot take part in secure-aggregation rounds (fedhealth provision keys makes both)");
        if (!File.Exists(key))
            return CheckResult.Fail(Name, $"{key}: the site's identity key is missing",
                $"copy the site's key from the provisioning output (sites/{config.Site.Id}/) to {key}, readable by the agent's user");
        if (!File.Exists(consortium))
            return CheckResult.Fail(Name, $"{consortium}: the consortium file is missing",
                $"copy consortium.json from the consortium's provisioning to {consortium}");
        try
        {
            var security = SiteSecurity.Load(config)!;
            return CheckResult.Pass(Name, $"site {config.Site.Id} is registered in {consortium} ({security.Trust.Sites.Count} sites) with the key in {key}");
        }
        catch (InvalidOperationException e)
        {
            return CheckResult.Fail(Name, e.Message,
                "use the consortium file and key from the same provisioning run, or ask the consortium to register this site's public key");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException or CryptographicException or ArgumentException)
        {
            return CheckResult.Fail(Name, e.Message,
                $"make {key} (a PEM private key) and {consortium} readable by the agent's user, as provisioning wrote them");
        }
    }
}
