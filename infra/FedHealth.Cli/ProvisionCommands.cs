using System.CommandLine;
using FedHealth.Privacy.Crypto;
using FedHealth.Sites;

namespace FedHealth.Cli;

/// <summary>
/// `fedhealth provision keys`: the consortium's key material for secure aggregation, for a development or pilot
/// deployment: the coordinator's sealing key, one signing key per site, the consortium file registering them, and
/// for each site config given, a ready-to-run copy that points at its key. (Certificates, a consortium CA and
/// enrolment bundles come with site provisioning.)
/// </summary>
public static class ProvisionCommands
{
    public static Command Create()
    {
        var sites = new Option<string[]>("--sites") { Description = "Site ids, e.g. --sites DE-GBSG NL-ROTTERDAM-A", AllowMultipleArgumentsPerToken = true };
        var configs = new Option<string[]>("--site-configs") { Description = "Site config files: their sites are provisioned and each gets a ready copy OUT/sites/ID/site.json", AllowMultipleArgumentsPerToken = true };
        var output = new Option<string>("--out") { Description = "Folder to write consortium.json, coordinator-key.pem and sites/ID/identity-key.pem", Required = true };
        var keys = new Command("keys", "Create the coordinator's key, one signing key per site, and the consortium file that registers them.") { sites, configs, output };
        keys.SetAction(result =>
        {
            var folder = Path.GetFullPath(result.GetValue(output)!);
            var configFiles = result.GetValue(configs) ?? [];
            var missing = configFiles.FirstOrDefault(f => !File.Exists(f));
            if (missing is not null) { Console.Error.WriteLine($"error: --site-configs: {missing} not found"); return 2; }
            var consortium = Path.Combine(folder, "consortium.json");
            var prepared = configFiles.Select(SiteConfigProvisioning.SiteIdOf).ToList();
            var ids = (result.GetValue(sites) ?? []).SelectMany(s => s.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                .Concat(prepared).Distinct().ToList();
            if (ids.Count == 0) { Console.Error.WriteLine("error: give --sites or --site-configs"); return 2; }
            using var coordinator = KeyFiles.LoadOrCreateAgreementKey(Path.Combine(folder, "coordinator-key.pem"));
            var identities = ids.ToDictionary(id => id, id => KeyFiles.LoadOrCreateIdentity(KeyFile(folder, id)));
            new ConsortiumTrust(KeyAgreement.PublicKey(coordinator), identities.ToDictionary(p => p.Key, p => p.Value.PublicKey)).Save(consortium);
            foreach (var file in configFiles)
            {
                var id = SiteConfigProvisioning.SiteIdOf(file);
                var json = SiteConfigProvisioning.WithKeys(file, consortium, KeyFile(folder, id), Path.Combine(folder, "sites", id, "state"));
                File.WriteAllText(Path.Combine(folder, "sites", id, "site.json"), json);
            }
            Console.WriteLine($"wrote {consortium} (coordinator and {ids.Count} sites), coordinator-key.pem and sites/*/identity-key.pem" +
                              (configFiles.Length > 0 ? ", sites/*/site.json" : ""));
            Console.WriteLine($"coordinator: --Coordinator:ConsortiumFile={consortium} --Coordinator:KeyFile={Path.Combine(folder, "coordinator-key.pem")}");
            return 0;
        });
        return new Command("provision", "Consortium provisioning.") { keys };
    }

    private static string KeyFile(string folder, string id) => Path.Combine(folder, "sites", id, "identity-key.pem");
}
