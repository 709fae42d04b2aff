using System.Text.Json;
using System.Text.Json.Nodes;
using FedHealth.Privacy.Crypto;

namespace FedHealth.Tests.Support;

/// <summary>
/// Keys and site configs for a multi-process federation, as `fedhealth provision keys` makes them: a coordinator key,
/// a signing key per site, the consortium file, and copies of the shipped site configs that point at them.
/// </summary>
public sealed class TestConsortium
{
    public string ConsortiumFile { get; }
    public string CoordinatorKeyFile { get; }
    private readonly Dictionary<string, string> siteConfigs = new();

    public TestConsortium(string folder, IEnumerable<string> siteFiles)
    {
        ConsortiumFile = Path.Combine(folder, "consortium.json");
        CoordinatorKeyFile = Path.Combine(folder, "coordinator-key.pem");
        using var coordinator = KeyFiles.LoadOrCreateAgreementKey(CoordinatorKeyFile);
        var keys = new Dictionary<string, byte[]>();
        foreach (var file in siteFiles)
        {
            var config = JsonNode.Parse(File.ReadAllText(Path.Combine(Paths.Sites, file)))!.AsObject();
            var id = config["site"]!["id"]!.GetValue<string>();
            var keyFile = Path.Combine(folder, "sites", id, "identity-key.pem");
            using var identity = KeyFiles.LoadOrCreateIdentity(keyFile);
            keys[id] = identity.PublicKey;
            var data = config["data"]!.AsObject();
            data["csv"] = Path.GetFullPath(data["csv"]!.GetValue<string>(), Paths.Sites);
            data["schema"] = Path.GetFullPath(data["schema"]!.GetValue<string>(), Paths.Sites);
            if (config["policyFile"] is { } policy) config["policyFile"] = Path.GetFullPath(policy.GetValue<string>(), Paths.Sites);
            config["consortiumFile"] = ConsortiumFile;
            config["identityKeyFile"] = keyFile;
            config["stateDir"] = Path.Combine(folder, "sites", id, "state");
            var path = Path.Combine(folder, file);
            File.WriteAllText(path, config.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
            siteConfigs[file] = path;
        }
        new ConsortiumTrust(KeyAgreement.PublicKey(coordinator), keys).Save(ConsortiumFile);
    }

    public string SiteConfig(string file) => siteConfigs[file];
}
