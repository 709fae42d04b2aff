using System.CommandLine;
using FedHealth.Privacy.Crypto;

namespace FedHealth.Cli;

/// <summary>
/// `fedhealth provision keys`: the consortium's key material for secure aggregation, for a development or pilot
/// deployment: the coordinator's sealing key, one signing key per site, and the consortium file registering them.
/// (Certificates, a consortium CA and enrolment bundles come with site provisioning.)
/// </summary>
public static class ProvisionCommands
{
    public static Command Create()
    {
        var sites = new Option<string[]>("--sites") { Description = "Site ids, e.g. --sites DE-GBSG NL-ROTTERDAM-A", Required = true, AllowMultipleArgumentsPerToken = true };
        var output = new Option<string>("--out") { Description = "Folder to write consortium.json, coordinator-key.pem and sites/ID/identity-key.pem", Required = true };
        var keys = new Command("keys", "Create the coordinator's key, one signing key per site, and the consortium file that registers them.") { sites, output };
        keys.SetAction(result =>
        {
            var folder = Path.GetFullPath(result.GetValue(output)!);
            var ids = result.GetValue(sites)!.SelectMany(s => s.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).Distinct().ToList();
            if (ids.Count == 0) { Console.Error.WriteLine("error: --sites: at least one site id"); return 2; }
            using var coordinator = KeyFiles.LoadOrCreateAgreementKey(Path.Combine(folder, "coordinator-key.pem"));
            var identities = ids.ToDictionary(id => id, id => KeyFiles.LoadOrCreateIdentity(Path.Combine(folder, "sites", id, "identity-key.pem")));
            new ConsortiumTrust(KeyAgreement.PublicKey(coordinator), identities.ToDictionary(p => p.Key, p => p.Value.PublicKey)).Save(Path.Combine(folder, "consortium.json"));
            Console.WriteLine($"wrote {Path.Combine(folder, "consortium.json")} (coordinator and {ids.Count} sites), coordinator-key.pem and sites/*/identity-key.pem");
            Console.WriteLine("give each site its identity-key.pem and consortium.json (site config: identityKeyFile, consortiumFile); the coordinator takes");
            Console.WriteLine("--Coordinator:ConsortiumFile=consortium.json --Coordinator:KeyFile=coordinator-key.pem");
            return 0;
        });
        return new Command("provision", "Consortium provisioning.") { keys };
    }
}
