using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using FedHealth.Messaging;
using FedHealth.Privacy.Crypto;

namespace FedHealth.SiteAgent.Doctor;

/// <summary>
/// The TLS files the bus will use: the consortium CA, and the site's client certificate (issued by that CA for this
/// site, valid now and for a while yet, and matching its key). Read before connecting, so an expired or mismatched
/// certificate is named as such rather than as a refused connection.
/// </summary>
public static class CertificateCheck
{
    private const string Name = "certificates";
    /// <summary>A certificate ending sooner than this is flagged, so the renewal happens before rounds start failing.</summary>
    public static readonly TimeSpan RenewWithin = TimeSpan.FromDays(30);
    private const string Renew =
        "ask the consortium for a new certificate: `enroll request --config SITE.json` (same keys), send the request, then `enroll BUNDLE --config SITE.json`";

    public static CheckResult Run(BusOptions bus, string siteId, DateTimeOffset now)
    {
        if (!bus.UsesTls) return CheckResult.Warn(Name, "Bus:Uri is not amqps://: no TLS, so no certificates to check (development only)");
        if (string.IsNullOrWhiteSpace(bus.CaFile) || !File.Exists(bus.CaFile))
            return CheckResult.Fail(Name, $"Bus:CaFile '{bus.CaFile}' does not exist",
                "install the consortium's enrolment bundle (`enroll BUNDLE --config SITE.json`), or set Bus:CaFile to the consortium's ca-cert.pem");
        X509Certificate2 ca;
        try { ca = X509Certificate2.CreateFromPem(File.ReadAllText(bus.CaFile)); }
        catch (Exception e) when (e is CryptographicException or IOException or UnauthorizedAccessException)
        {
            return CheckResult.Fail(Name, $"{bus.CaFile}: cannot be read as a PEM certificate ({e.Message})",
                "reinstall the consortium's enrolment bundle, readable by the agent's user");
        }
        using (ca)
        {
            if (ca.NotAfter.ToUniversalTime() < now.UtcDateTime)
                return CheckResult.Fail(Name, $"the consortium CA '{ca.Subject}' in {bus.CaFile} expired on {ca.NotAfter.ToUniversalTime():yyyy-MM-dd}",
                    "the consortium must make a new CA and re-enrol every member");
            if (string.IsNullOrWhiteSpace(bus.CertFile))
                return CheckResult.Pass(Name, $"consortium CA '{ca.Subject}' valid until {ca.NotAfter.ToUniversalTime():yyyy-MM-dd}; no client certificate " +
                    "(the broker password is the login)");
            return Client(bus, siteId, ca, now);
        }
    }

    private static CheckResult Client(BusOptions bus, string siteId, X509Certificate2 ca, DateTimeOffset now)
    {
        X509Certificate2 client;
        try { client = X509Certificate2.CreateFromPemFile(bus.CertFile!, bus.KeyFile); }
        catch (Exception e) when (e is CryptographicException or IOException or UnauthorizedAccessException or ArgumentException)
        {
            return CheckResult.Fail(Name,
                $"{bus.CertFile} with {bus.KeyFile}: {e.Message} (the key does not belong to the certificate, or a file is unreadable)",
                $"use the key this site's request was made with; if it was lost, {Renew}");
        }
        using (client)
        {
            var notAfter = client.NotAfter.ToUniversalTime();
            var notBefore = client.NotBefore.ToUniversalTime();
            if (notAfter < now.UtcDateTime)
                return CheckResult.Fail(Name,
                    $"the client certificate {bus.CertFile} expired on {notAfter:yyyy-MM-dd HH:mm} UTC: the broker refuses it", Renew);
            if (notBefore > now.UtcDateTime)
                return CheckResult.Fail(Name, $"the client certificate {bus.CertFile} is valid only from {notBefore:yyyy-MM-dd HH:mm} UTC; this machine's " +
                    $"clock says {now.UtcDateTime:yyyy-MM-dd HH:mm}",
                    "correct this machine's clock (timedatectl set-ntp true), then run doctor again");
            if (ConsortiumCa.Problem(client, ca, server: false, at: now.UtcDateTime) is { } problem)
                return CheckResult.Fail(Name, problem,
                    $"install the bundle issued by this consortium's CA ({bus.CaFile}); if the consortium changed its CA, {Renew}");
            var cn = client.GetNameInfo(X509NameType.SimpleName, forIssuer: false);
            if (cn != siteId)
                return CheckResult.Fail(Name, $"the client certificate {bus.CertFile} is issued to '{cn}', but this site is '{siteId}'",
                    "install this site's own enrolment bundle");
            var left = notAfter - now.UtcDateTime;
            var detail = $"client certificate for {cn} issued by '{ca.Subject}', valid until {notAfter:yyyy-MM-dd}, matches its key";
            return left < RenewWithin
                ? CheckResult.Warn(Name, $"{detail}, but it expires in {left.TotalDays:0} days: {Renew}")
                : CheckResult.Pass(Name, detail);
        }
    }
}
