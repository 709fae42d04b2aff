using System.CommandLine;
using FedHealth.Privacy.Crypto;
using FedHealth.Privacy.Enrolment;

namespace FedHealth.Cli;

/// <summary>
/// `fedhealth provision site`: answers a hospital's enrolment request with its bundle: the client certificate the
/// consortium CA issues for the key in the request, the broker's address, and the consortium's keys with this site's
/// identity registered. The consortium never sees a site's private key.
/// </summary>
public static class ProvisionSiteCommand
{
    public static Command Create()
    {
        var caFolder = new Option<string>("--ca") { Description = "Folder of the consortium CA (from `provision ca`)", Required = true };
        var consortium = new Option<string>("--consortium")
        {
            Description = "The consortium file (from `provision keys`): the site's identity key is registered in it", Required = true
        };
        var request = new Option<string>("--request") { Description = "The site's request file (from the site agent's `enroll request`)", Required = true };
        var broker = new Option<string>("--broker")
        {
            Description =
            "The broker as sites reach it, e.g. amqps://broker.example.org:5671/ (no credentials: sites log in with their certificate)", Required = true
        };
        var serverName = new Option<string?>("--server-name")
        {
            Description = "The name on the broker's certificate, when it differs from the host in --broker"
        };
        var replace = new Option<bool>("--replace-key")
        {
            Description = "Register the request's identity key even though the site is registered with another (the site lost its key)"
        };
        var output = new Option<string>("--out") { Description = "The bundle file to write (send it to the site)", Required = true };
        var command = new Command("site", "Answer a site's enrolment request with its bundle (client certificate, CA, broker, consortium keys).")
            { caFolder, consortium, request, broker, serverName, replace, output };
        command.SetAction(result => CliErrors.Guarded(() =>
        {
            var siteRequest = EnrolmentDocuments.ReadRequest(Path.GetFullPath(result.GetValue(request)!));
            using var ca = ConsortiumCa.Load(Path.GetFullPath(result.GetValue(caFolder)!));
            var bundle = EnrolmentIssuer.Issue(ca, Path.GetFullPath(result.GetValue(consortium)!), siteRequest, result.GetValue(broker)!,
                result.GetValue(serverName), result.GetValue(replace));
            var file = Path.GetFullPath(result.GetValue(output)!);
            EnrolmentDocuments.Write(file, bundle);
            Console.WriteLine($"registered {bundle.SiteId} ({EnrolmentIssuer.Fingerprint(Convert.FromBase64String(siteRequest.IdentityPublicKey))}) in " +
                $"{result.GetValue(consortium)} " +
                              $"and wrote {file}: send it to the site, which installs it with `enroll {Path.GetFileName(file)} --config site.json`");
            Console.WriteLine("consortium CA SHA-256 fingerprint (publish it to sites): " +
                $"{ca.Certificate.GetCertHashString(System.Security.Cryptography.HashAlgorithmName.SHA256)}");
            Console.WriteLine($"on the broker: infra/rabbitmq/add-site-user.sh {bundle.SiteId}   (the site logs in with its certificate)");
            Console.WriteLine("the coordinator takes the updated consortium file while it runs (with --Coordinator:ConsortiumCaFile it checks the CA's " +
                "signature); sites enrolled before this one need the new file to verify this site's secure-round messages");
            return 0;
        }));
        return command;
    }
}
