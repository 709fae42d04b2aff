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
    public string CoordinatorSigningKeyFile => Path.Combine(folder, "coordinator-signing-key.pem");
    public string DashboardKeyFile => Path.Combine(folder, "dashboard-key.pem");
    /// <summary>The coordinator's settings for these keys.</summary>
    public string[] CoordinatorSettings => [$"--Coordinator:ConsortiumFile={ConsortiumFile}", $"--Coordinator:KeyFile={CoordinatorKeyFile}",
        $"--Coordinator:SigningKeyFile={CoordinatorSigningKeyFile}"];
    /// <summary>The dashboard's settings for these keys.</summary>
    public string[] DashboardSettings => [$"--Dashboard:ConsortiumFile={ConsortiumFile}", $"--Dashboard:KeyFile={DashboardKeyFile}"];
    private readonly string folder;

    public TestConsortium(string folder, IEnumerable<string> siteFiles)
    {
        this.folder = folder;
        ConsortiumFile = Path.Combine(folder, "consortium.json");
        CoordinatorKeyFile = Path.Combine(folder, "coordinator-key.pem");
        var code = CliRunner.Run(["provision", "keys", "--out", folder, "--site-configs", .. siteFiles.Select(f => Path.Combine(Paths.Sites, f))])
            .GetAwaiter().GetResult();
        if (code != 0) throw new InvalidOperationException($"provision keys exited {code}");
    }

    public string SiteConfig(string siteId) => Path.Combine(folder, "sites", siteId, "site.json");
}

/// <summary>A consortium file's keys for tests that drive components directly: fresh coordinator and dashboard signing keys.</summary>
public static class TestTrust
{
    public static FedHealth.Privacy.Crypto.ConsortiumTrust Of(byte[] sealingKey, IReadOnlyDictionary<string, byte[]> sites)
    {
        using var coordinator = FedHealth.Privacy.Crypto.SigningKey.Create();
        using var dashboard = FedHealth.Privacy.Crypto.SigningKey.Create();
        return new FedHealth.Privacy.Crypto.ConsortiumTrust(sealingKey, coordinator.PublicKey, dashboard.PublicKey, sites);
    }
}

/// <summary>Lets a test's own bus act as the consortium's dashboard, with the key `provision keys` wrote to <paramref name="folder"/>.</summary>
public static class ActAsDashboard
{
    public static Microsoft.Extensions.DependencyInjection.IServiceCollection AddDashboardKey(
        this Microsoft.Extensions.DependencyInjection.IServiceCollection services, string folder) =>
        FedHealth.Messaging.Signing.SigningRegistration.AddMessageSigning(services,
            FedHealth.Privacy.Crypto.ConsortiumTrust.Load(Path.Combine(folder, "consortium.json")), FedHealth.Contracts.MessageSender.Dashboard,
            FedHealth.Privacy.Crypto.SigningKey.FromPem(File.ReadAllText(Path.Combine(folder, "dashboard-key.pem"))));
}
