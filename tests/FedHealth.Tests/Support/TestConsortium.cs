using FedHealth.Tests.Support;

namespace FedHealth.Tests.Support;

/// <summary>
/// Keys and site configs for a multi-process federation, made by `fedhealth provision keys --site-configs` as a
/// user would: a coordinator key, a signing key per site, the consortium file, and ready copies of the site configs.
/// </summary>
public sealed class TestConsortium
{
    public string ConsortiumFile { get; }
    public string CoordinatorKeyFile { get; }
    private readonly string folder;

    public TestConsortium(string folder, IEnumerable<string> siteFiles)
    {
        this.folder = folder;
        ConsortiumFile = Path.Combine(folder, "consortium.json");
        CoordinatorKeyFile = Path.Combine(folder, "coordinator-key.pem");
        var code = CliRunner.Run(["provision", "keys", "--out", folder, "--site-configs", .. siteFiles.Select(f => Path.Combine(Paths.Sites, f))]).GetAwaiter().GetResult();
        if (code != 0) throw new InvalidOperationException($"provision keys exited {code}");
    }

    public string SiteConfig(string siteId) => Path.Combine(folder, "sites", siteId, "site.json");
}
