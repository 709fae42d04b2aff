using System.CommandLine;
using System.Net;
using FedHealth.Privacy.Crypto;
using FedHealth.SiteAgent;

namespace FedHealth.Cli;

/// <summary>
/// `fedhealth provision keys`: the consortium's key material for secure aggregation, for a development or pilot
/// deployment: the coordinator's sealing key, one signing key per site, the consortium file registering them, and
/// for each site config given, a ready-to-run copy that points at its key; `provision ca` and `provision broker-cert`:
/// the consortium CA and RabbitMQ's TLS certificate; `provision site`: a site's enrolment bundle, answering its request.
/// </summary>
public static class ProvisionCommands
{
    public static Command Create()
    {
        var sites = new Option<string[]>("--sites") { Description = "Site ids, e.g. --sites DE-GBSG NL-ROTTERDAM-A", AllowMultipleArgumentsPerToken = true };
        var configs = new Option<string[]>("--site-configs")
        {
            Description =
            "Site config files: their sites are provisioned and each gets a ready copy OUT/sites/ID/site.json", AllowMultipleArgumentsPerToken = true
        };
        var output = new Option<string>("--out")
        {
            Description = "Folder to write consortium.json, coordinator-key.pem, coordinator-signing-key.pem, " +
            "dashboard-key.pem and sites/ID/identity-key.pem (existing keys are kept)", Required = true
        };
        var keys = new Command("keys", "Create the coordinator's sealing and signing keys, the dashboard's signing key, one signing key per site, and the " +
            "consortium file that registers them.") { sites, configs, output };
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
            // No sites yet is fine: sites that enrol themselves (`provision site`) are added to the consortium file then.
            var provisioned = ConsortiumKeys.Provision(folder, ids,
                configFiles.ToDictionary(SiteConfigProvisioning.SiteIdOf, SiteConfigProvisioning.JurisdictionOf));
            foreach (var file in configFiles)
            {
                var id = SiteConfigProvisioning.SiteIdOf(file);
                var json = SiteConfigProvisioning.WithKeys(file, consortium, KeyFile(folder, id), Path.Combine(folder, "sites", id, "state"));
                File.WriteAllText(Path.Combine(folder, "sites", id, "site.json"), json);
            }
            Console.WriteLine(ids.Count == 0
                ? $"wrote {consortium} (the coordinator's and the dashboard's keys, no site yet: sites join with `enroll request` and `fedhealth provision " +
                    $"site`), {ConsortiumKeys.SealingKeyFile}, {ConsortiumKeys.CoordinatorSigningKeyFile} and {ConsortiumKeys.DashboardKeyFile}"
                : $"wrote {consortium} (coordinator, dashboard and {provisioned.Trust.Sites.Count} sites), {ConsortiumKeys.SealingKeyFile}" +
                    $", {ConsortiumKeys.CoordinatorSigningKeyFile}, {ConsortiumKeys.DashboardKeyFile} and sites/*/identity-key.pem" +
                    (configFiles.Length > 0 ? ", sites/*/site.json" : ""));
            Console.WriteLine(
                $"coordinator: --Coordinator:ConsortiumFile={consortium} --Coordinator:KeyFile={Path.Combine(folder, ConsortiumKeys.SealingKeyFile)} " +
                $"--Coordinator:SigningKeyFile={Path.Combine(folder, ConsortiumKeys.CoordinatorSigningKeyFile)}");
            Console.WriteLine(
                $"dashboard: --Dashboard:ConsortiumFile={consortium} --Dashboard:KeyFile={Path.Combine(folder, ConsortiumKeys.DashboardKeyFile)}");
            Console.WriteLine("every site: the new consortium.json (its signing keys tell sites which messages are the coordinator's)");
            return 0;
        });
        return new Command("provision", "Consortium provisioning.") { keys, Ca(), BrokerCert(), NodeCert(), ProvisionSiteCommand.Create(),
            RevokeSiteCommand.Create(), BrokerPermissionsCommand() };
    }

    /// <summary>
    /// `fedhealth provision broker-permissions [--site ID]`: a site's RabbitMQ permissions (configure, write, read, one
    /// per line), made from the contracts; without --site, the template infra/rabbitmq/site-permissions.txt holds.
    /// </summary>
    private static Command BrokerPermissionsCommand()
    {
        var site = new Option<string?>("--site") { Description = "The site id; without it, the template with {queue} for the site's queue" };
        var command = new Command("broker-permissions", "Print a site's broker permissions (configure, write, read), made from who may send what.") { site };
        command.SetAction(result =>
        {
            var id = result.GetValue(site);
            if (id is not null
                && FedHealth.Privacy.Enrolment.SiteIds.Problem(id) is { } problem) { Console.Error.WriteLine($"error: --site: {problem}"); return 2; }
            var (configure, write, read) = id is null ? FedHealth.Messaging.BrokerPermissions.SiteTemplate()
                : FedHealth.Messaging.BrokerPermissions.ForSite(id);
            Console.WriteLine(configure);
            Console.WriteLine(write);
            Console.WriteLine(read);
            return 0;
        });
        return command;
    }

    /// <summary>`fedhealth provision ca --out DIR`: the consortium CA that signs the broker's and the sites' certificates.</summary>
    private static Command Ca()
    {
        var output = new Option<string>("--out")
        {
            Description = "Folder to write ca-cert.pem and ca-key.pem (mode 600) to; an existing CA there is never replaced", Required = true
        };
        var command = new Command("ca", "Create the consortium CA that signs the broker's and the sites' TLS certificates.") { output };
        command.SetAction(result =>
        {
            var folder = Path.GetFullPath(result.GetValue(output)!);
            using var ca = ConsortiumCa.Create();
            try { ca.Save(folder); }
            catch (IOException e) { Console.Error.WriteLine($"error: {e.Message}"); return 2; }
            Console.WriteLine(
                $"wrote {Path.Combine(folder, ConsortiumCa.CertFileName)} (give it to every member) and {ConsortiumCa.KeyFileName} (keep it offline)");
            Console.WriteLine($"valid until {ca.Certificate.NotAfter:yyyy-MM-dd}; SHA-256 fingerprint " +
                $"{ca.Certificate.GetCertHashString(System.Security.Cryptography.HashAlgorithmName.SHA256)}");
            return 0;
        });
        return command;
    }

    /// <summary>`fedhealth provision broker-cert`: the broker's TLS certificate, signed by the consortium CA.</summary>
    private static Command BrokerCert()
    {
        var caFolder = new Option<string>("--ca") { Description = "Folder of the consortium CA (from `provision ca`)", Required = true };
        var dns = new Option<string[]>("--dns")
        {
            Description = "DNS names the broker is reached by, e.g. --dns broker.example localhost",
            AllowMultipleArgumentsPerToken = true
        };
        var ips = new Option<string[]>("--ip")
        {
            Description = "IP addresses the broker is reached by, e.g. --ip 127.0.0.1",
            AllowMultipleArgumentsPerToken = true
        };
        var output = new Option<string>("--out")
        {
            Description = "Folder to write broker-cert.pem, broker-key.pem (mode 600) and ca-cert.pem to", Required = true
        };
        var command = new Command("broker-cert", "Issue RabbitMQ's server certificate from the consortium CA (for infra/rabbitmq/start.sh with " +
            "FEDHEALTH_RABBITMQ_TLS_DIR).") { caFolder, dns, ips, output };
        command.SetAction(result =>
        {
            var names = Split(result.GetValue(dns));
            if (Addresses(result.GetValue(ips)) is not { } addresses) return 2;
            if (names.Count + addresses.Count == 0) { Console.Error.WriteLine("error: give the broker's names with --dns and/or --ip"); return 2; }
            if (LoadCa(result.GetValue(caFolder)!) is not { } ca) return 2;
            using (ca)
            {
                var folder = Path.GetFullPath(result.GetValue(output)!);
                Directory.CreateDirectory(folder);
                using var server = ca.IssueServer(names, addresses);
                ConsortiumCa.WritePem(server, Path.Combine(folder, "broker-cert.pem"), Path.Combine(folder, "broker-key.pem"));
                File.WriteAllText(Path.Combine(folder, ConsortiumCa.CertFileName), ca.Certificate.ExportCertificatePem());
                Console.WriteLine($"wrote broker-cert.pem, broker-key.pem and ca-cert.pem to {folder} (for " +
                    $"{string.Join(", ", names.Concat(addresses.Select(a => a.ToString())))}, valid until {server.NotAfter:yyyy-MM-dd})");
                Console.WriteLine($"broker: FEDHEALTH_RABBITMQ_TLS_DIR={folder} FEDHEALTH_RABBITMQ_TLS_PORT=5671 infra/rabbitmq/start.sh");
                Console.WriteLine($"members: --Bus:Uri=amqps://USER:PASSWORD@HOST:5671/ --Bus:CaFile={Path.Combine(folder, ConsortiumCa.CertFileName)}");
            }
            return 0;
        });
        return command;
    }

    /// <summary>`fedhealth provision node-cert`: a coordinator node's certificate for Akka.NET remoting over mutual TLS.</summary>
    private static Command NodeCert()
    {
        var caFolder = new Option<string>("--ca") { Description = "Folder of the consortium CA (from `provision ca`)", Required = true };
        var name = new Option<string>("--name") { Description = "The node's name, e.g. coordinator-1", Required = true };
        var dns = new Option<string[]>("--dns") { Description = "DNS names the node is reached by", AllowMultipleArgumentsPerToken = true };
        var ips = new Option<string[]>("--ip") { Description = "IP addresses the node is reached by", AllowMultipleArgumentsPerToken = true };
        var output = new Option<string>("--out") { Description = "Folder to write node-cert.pem, node-key.pem (mode 600) and ca-cert.pem to", Required = true };
        var command = new Command("node-cert", "Issue a coordinator node's certificate for remoting between nodes over mutual TLS " +
            "(Coordinator:RemotingCertFile).") { caFolder, name, dns, ips, output };
        command.SetAction(result =>
        {
            if (Addresses(result.GetValue(ips)) is not { } addresses) return 2;
            if (LoadCa(result.GetValue(caFolder)!) is not { } ca) return 2;
            using (ca)
            {
                var folder = Path.GetFullPath(result.GetValue(output)!);
                Directory.CreateDirectory(folder);
                using var node = ca.IssueCoordinatorNode(result.GetValue(name)!, Split(result.GetValue(dns)), addresses);
                ConsortiumCa.WritePem(node, Path.Combine(folder, "node-cert.pem"), Path.Combine(folder, "node-key.pem"));
                File.WriteAllText(Path.Combine(folder, ConsortiumCa.CertFileName), ca.Certificate.ExportCertificatePem());
                Console.WriteLine($"wrote node-cert.pem, node-key.pem and ca-cert.pem to {folder} (valid until {node.NotAfter:yyyy-MM-dd})");
                Console.WriteLine($"node: --Coordinator:RemotingCertFile={Path.Combine(folder, "node-cert.pem")} " +
                    $"--Coordinator:RemotingKeyFile={Path.Combine(folder, "node-key.pem")} " +
                                  $"--Coordinator:RemotingCaFile={Path.Combine(folder, ConsortiumCa.CertFileName)} (every node of the cluster, each with " +
                                      "its own certificate)");
            }
            return 0;
        });
        return command;
    }

    /// <summary>The --ip values as addresses; null, with the error written, when one is not an address.</summary>
    private static List<IPAddress>? Addresses(string[]? values)
    {
        var addresses = new List<IPAddress>();
        foreach (var text in Split(values))
        {
            if (!IPAddress.TryParse(text, out var address)) { Console.Error.WriteLine($"error: --ip: '{text}' is not an IP address"); return null; }
            addresses.Add(address);
        }
        return addresses;
    }

    /// <summary>The consortium CA in <paramref name="folder"/>; null, with the error written, when it cannot be loaded.</summary>
    private static ConsortiumCa? LoadCa(string folder)
    {
        try { return ConsortiumCa.Load(Path.GetFullPath(folder)); }
        catch (Exception e) when (e is IOException or System.Security.Cryptography.CryptographicException)
        {
            Console.Error.WriteLine(
            $"error: --ca: {e.Message}"); return null;
        }
    }

    private static List<string> Split(string[]? values) =>
        (values ?? []).SelectMany(s => s.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).Distinct().ToList();

    private static string KeyFile(string folder, string id) => ConsortiumKeys.SiteKeyFile(folder, id);
}
