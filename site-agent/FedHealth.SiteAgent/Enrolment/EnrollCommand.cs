using FedHealth.Learning.Data;
using FedHealth.Privacy.Enrolment;

namespace FedHealth.SiteAgent;

/// <summary>`enroll request --config site.json [--rotate]` and `enroll BUNDLE --config site.json [--ca-fingerprint HEX]`.</summary>
public static class EnrollCommand
{
    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter errors)
    {
        var (target, config, fingerprint, replaceCa, rotate) = Parse(args);
        if (target is null || config is null || (rotate && target != "request"))
        {
            await errors.WriteLineAsync(
                "usage: enroll request --config SITE.json [--rotate] | enroll BUNDLE --config SITE.json [--ca-fingerprint SHA256] [--replace-ca]");
            return 2;
        }
        try
        {
            var site = SiteConfigFile.Read(config);
            if (target == "request")
            {
                var request = SiteEnrolment.Request(site, rotate: rotate);
                var folder = SiteEnrolment.FolderOf(site);
                if (rotate)
                {
                    await output.WriteLineAsync(
                        $"wrote {request}: a rotation of this site's identity key, proved by the current key; send it to the consortium's operator.");
                    await output.WriteLineAsync($"the new key waits in {SiteSecurity.NextKeyFile(folder.IdentityKey)}: a running agent switches to it when " +
                        "the consortium's new file reaches it, with no restart.");
                    await output.WriteLineAsync(
                        $"then install the bundle the consortium sends back (its renewed certificate): enroll BUNDLE --config {config}");
                    return 0;
                }
                await output.WriteLineAsync($"wrote {request}: send it to the consortium's operator (it holds public keys only).");
                await output.WriteLineAsync(
                    $"this site's private keys stay in {folder.Dir} (identity-key.pem, tls-key.pem): never send or copy them elsewhere.");
                await output.WriteLineAsync($"then install the bundle the consortium sends back: enroll BUNDLE --config {config}");
                return 0;
            }
            var ca = SiteEnrolment.Accept(site, target, fingerprint, replaceCa);
            var installed = SiteEnrolment.FolderOf(site);
            await output.WriteLineAsync($"enrolled {site.Site.Id}: installed {installed.TlsCertificate}, {installed.CaCertificate}, {installed.Consortium} " +
                $"and {installed.BrokerSettings}");
            await output.WriteLineAsync("consortium CA SHA-256 fingerprint " +
                $"{ca}{(fingerprint is null ? ": compare it with the one the consortium published (or pass --ca-fingerprint next time)" : " (as given)")}");
            await output.WriteLineAsync($"next: doctor --config {config}");
            return 0;
        }
        catch (Exception e) when (e is DataException or EnrolmentException or InvalidDataException or IOException or UnauthorizedAccessException
                                       or System.Security.Cryptography.CryptographicException or ArgumentException)
        {
            await errors.WriteLineAsync($"error: {e.Message}");
            return 1;
        }
    }

    private static (string? Target, string? Config, string? Fingerprint, bool ReplaceCa, bool Rotate) Parse(string[] args)
    {
        string? target = null, config = null, fingerprint = null;
        bool replaceCa = false, rotate = false;
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--config" when i + 1 < args.Length: config = args[++i]; break;
                case "--ca-fingerprint" when i + 1 < args.Length: fingerprint = args[++i]; break;
                case "--replace-ca": replaceCa = true; break;
                case "--rotate": rotate = true; break;
                case var value when !value.StartsWith("--") && target is null: target = value; break;
                default: return (null, null, null, false, false);
            }
        }
        return (target, config, fingerprint, replaceCa, rotate);
    }
}
