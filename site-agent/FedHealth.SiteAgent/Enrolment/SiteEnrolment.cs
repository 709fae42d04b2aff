using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using FedHealth.Contracts;
using FedHealth.Privacy.Crypto;
using FedHealth.Privacy.Enrolment;

namespace FedHealth.SiteAgent;

/// <summary>
/// The hospital's side of enrolment. `enroll request` makes the site's two keys (kept, never sent) and a request
/// carrying their public halves; `enroll BUNDLE` checks the consortium's answer against those keys and, only when
/// every check passes, installs the certificates, the consortium file and the broker settings.
/// </summary>
public static class SiteEnrolment
{
    /// <summary>Writes the request file (re-using keys already made, so a lost request can be made again); answers its path.</summary>
    /// <param name="rotate">
    /// Ask to rotate the site's identity key: a new key is made beside the current one (identity-key.next.pem) and the
    /// request carries the current key's proof, so the consortium replaces it; the running agent switches to the new key
    /// when the consortium's new file reaches it. The certificate is re-issued for the same TLS key.
    /// </param>
    public static string Request(SiteConfig config, DateTimeOffset? now = null, bool rotate = false)
    {
        var folder = FolderOf(config);
        if (rotate && !File.Exists(folder.IdentityKey))
            throw new EnrolmentException($"{folder.IdentityKey}: no identity key to rotate: enrol the site first (`enroll request`, without --rotate)");
        using var current = KeyFiles.LoadOrCreateIdentity(folder.IdentityKey);
        using var next = rotate ? KeyFiles.LoadOrCreateIdentity(SiteSecurity.NextKeyFile(folder.IdentityKey)) : null;
        var identity = next ?? current;
        using var tlsKey = LoadOrCreateTlsKey(folder.TlsKey);
        var csr = new CertificateRequest($"CN={config.Site.Id}, O=FedHealth", tlsKey, HashAlgorithmName.SHA256).CreateSigningRequestPem();
        var der = EnrolmentIssuer.RequestDer(csr);
        var request = new EnrolmentRequest
        {
            Format = EnrolmentRequest.CurrentFormat, SiteId = config.Site.Id, Jurisdiction = config.Site.Jurisdiction,
            IdentityPublicKey = Convert.ToBase64String(identity.PublicKey), CertificateRequest = csr,
            IdentityProof = Convert.ToBase64String(identity.Sign(der)),
            PreviousIdentityProof = next is null ? null : Convert.ToBase64String(current.Sign(der)),
            CreatedAt = now ?? DateTimeOffset.UtcNow,
        };
        var path = folder.Request(config.Site.Id);
        EnrolmentDocuments.Write(path, request);
        return path;
    }

    /// <summary>Checks the bundle and installs it; answers the CA's SHA-256 fingerprint for the operator to compare.</summary>
    /// <param name="expectedCaFingerprint">When given, the CA's SHA-256 fingerprint (hex, colons allowed) the consortium published.</param>
    /// <param name="replaceCa">Accept a CA other than the one already installed (the consortium really changed its CA).</param>
    public static string Accept(SiteConfig config, string bundlePath, string? expectedCaFingerprint = null, bool replaceCa = false)
    {
        var folder = FolderOf(config);
        var bundle = EnrolmentDocuments.ReadBundle(bundlePath);
        var problems = new List<string>();
        if (bundle.SiteId != config.Site.Id) problems.Add($"siteId: the bundle is for '{bundle.SiteId}', this site is '{config.Site.Id}'");
        if (!File.Exists(folder.IdentityKey) || !File.Exists(folder.TlsKey))
            throw new EnrolmentException($"{folder.Dir}: this site's keys are missing (identity-key.pem, tls-key.pem): run `enroll request` first; the " +
                "bundle answers the request made with them");

        using var ca = Certificate(bundle.CaCertificate, "caCertificate", problems);
        using var client = Certificate(bundle.ClientCertificate, "clientCertificate", problems);
        var fingerprint = ca?.GetCertHashString(HashAlgorithmName.SHA256) ?? "";
        if (ca is not null)
        {
            if (ca.Extensions.OfType<X509BasicConstraintsExtension>().FirstOrDefault() is not { CertificateAuthority: true })
                problems.Add($"caCertificate: '{ca.Subject}' is not a CA certificate");
            // Renewal keeps the consortium it joined: a bundle swapped in transit must not bring its own CA (and broker).
            if (!replaceCa && File.Exists(folder.CaCertificate) && InstalledCa(folder.CaCertificate) is { } installed && installed != fingerprint)
                problems.Add($"caCertificate: its SHA-256 fingerprint {fingerprint} differs from the consortium CA already installed ({installed}); if the " +
                    "consortium really changed its CA, enroll again with --replace-ca");
            if (expectedCaFingerprint is not null && !string.Equals(Normalise(expectedCaFingerprint), fingerprint, StringComparison.OrdinalIgnoreCase))
                problems.Add($"caCertificate: its SHA-256 fingerprint is {fingerprint}, not the {Normalise(expectedCaFingerprint)} given with " +
                    "--ca-fingerprint (do not trust this bundle; ask the consortium)");
        }
        if (ca is not null && client is not null)
        {
            if (ConsortiumCa.Problem(client, ca, server: false) is { } chain) problems.Add($"clientCertificate: {chain}");
            if (client.GetNameInfo(X509NameType.SimpleName, forIssuer: false) != config.Site.Id)
                problems.Add($"clientCertificate: issued to '{client.GetNameInfo(X509NameType.SimpleName, false)}', not '{config.Site.Id}'");
            using var tlsKey = ECDsa.Create();
            ImportKey(tlsKey, folder.TlsKey);
            if (!client.PublicKey.ExportSubjectPublicKeyInfo().AsSpan().SequenceEqual(tlsKey.ExportSubjectPublicKeyInfo()))
                problems.Add($"clientCertificate: issued for another key than {folder.TlsKey} (the bundle answers another request; send the consortium this " +
                    "site's current request)");
        }
        var consortium = BundledConsortium(bundle, ca, folder, config.Site.Id, problems, out var nextKey);
        if (!Uri.TryCreate(bundle.BrokerUri, UriKind.Absolute, out var broker) || broker.Scheme != "amqps" || broker.UserInfo.Length > 0)
            problems.Add($"brokerUri: '{UriRedaction.Redact(bundle.BrokerUri)}' is not an amqps:// address without credentials");
        if (problems.Count > 0) throw new EnrolmentException($"{bundlePath}: refused, nothing was installed: {string.Join("; ", problems)}");

        // Everything checked: install. Each file is written beside its final name and moved over it.
        Replace(folder.CaCertificate, bundle.CaCertificate);
        Replace(folder.TlsCertificate, bundle.ClientCertificate);
        consortium!.Save(folder.Consortium);
        // A rotation: the consortium registered the next key, which is now the site's identity (a running agent that took
        // the new file from the coordinator may have switched already).
        if (nextKey) File.Move(SiteSecurity.NextKeyFile(folder.IdentityKey), folder.IdentityKey, overwrite: true);
        Replace(folder.BrokerSettings, JsonSerializer.Serialize(new
        {
            Bus = new
            {
                Transport = "RabbitMq", Uri = bundle.BrokerUri, CaFile = folder.CaCertificate, CertFile = folder.TlsCertificate, KeyFile = folder.TlsKey,
                ServerName = bundle.BrokerServerName, CertificateLogin = true,
            },
        }, new JsonSerializerOptions { WriteIndented = true }));
        return fingerprint;
    }

    public static EnrolmentFolder FolderOf(SiteConfig config) => config.EnrolmentDir is { } dir
        ? new EnrolmentFolder(dir)
        : throw new EnrolmentException(
            "the site config has no enrolmentDir: add \"enrolmentDir\": \"enrolment\" (a folder beside it, readable only by the agent's user)");

    /// <summary>
    /// The bundle's consortium file, when the bundle's CA signed it, it registers this site with the identity key the site
    /// holds (or the next key of a rotation: <paramref name="nextKey"/>), and it is not older than the one installed.
    /// </summary>
    private static ConsortiumTrust? BundledConsortium(EnrolmentBundle bundle, X509Certificate2? ca, EnrolmentFolder folder, string siteId,
        List<string> problems, out bool nextKey)
    {
        nextKey = false;
        ConsortiumTrust trust;
        try { trust = ConsortiumTrust.Parse(bundle.Consortium, "consortium"); }
        catch (InvalidDataException e) { problems.Add(e.Message); return null; }
        if (ca is not null && !trust.SignedBy(ca)) problems.Add("consortium: not signed by the bundle's CA (altered, or made by another consortium)");
        // Within one consortium (the same CA signed both) versions only rise; a consortium that changed its CA starts anew.
        if (ca is not null && File.Exists(folder.Consortium) && Installed(folder.Consortium) is { } installed && installed.SignedBy(ca)
            && installed.Version > trust.Version)
            problems.Add(
                $"consortium: version {trust.Version} is older than the installed version {installed.Version} (an old bundle would undo later revocations)");
        if (!trust.Sites.TryGetValue(siteId, out var registered))
        {
            problems.Add($"consortium: does not register {siteId}");
            return trust;
        }
        using var identity = SigningKey.FromPem(File.ReadAllText(folder.IdentityKey));
        if (registered.AsSpan().SequenceEqual(identity.PublicKey)) return trust;
        var next = SiteSecurity.NextKeyFile(folder.IdentityKey);
        if (File.Exists(next))
        {
            using var rotated = SigningKey.FromPem(File.ReadAllText(next));
            nextKey = registered.AsSpan().SequenceEqual(rotated.PublicKey);
        }
        if (!nextKey)
            problems.Add($"consortium: registers another identity key for {siteId} ({EnrolmentIssuer.Fingerprint(registered)}) than {folder.IdentityKey}");
        return trust;
    }

    private static ConsortiumTrust? Installed(string path)
    {
        try { return ConsortiumTrust.Load(path); }
        catch (InvalidDataException) { return null; }
    }

    private static ECDsa LoadOrCreateTlsKey(string path)
    {
        try { return KeyFiles.LoadOrCreateEcdsa(path); }
        catch (ArgumentException e) { throw NotAKey(path, e); }
    }

    private static void ImportKey(ECDsa key, string path)
    {
        try { key.ImportFromPem(File.ReadAllText(path)); }
        catch (ArgumentException e) { throw NotAKey(path, e); }
    }

    private static EnrolmentException NotAKey(string path, ArgumentException e) =>
        new($"{path}: not an EC private key in PEM ({e.Message}); move it away and run `enroll request` again to make a new one");

    private static string? InstalledCa(string path)
    {
        try { using var ca = X509Certificate2.CreateFromPem(File.ReadAllText(path)); return ca.GetCertHashString(HashAlgorithmName.SHA256); }
        catch (CryptographicException) { return null; }
    }

    private static X509Certificate2? Certificate(string pem, string field, List<string> problems)
    {
        try { return X509Certificate2.CreateFromPem(pem); }
        catch (CryptographicException e) { problems.Add($"{field}: not a PEM certificate ({e.Message})"); return null; }
    }

    private static string Normalise(string fingerprint) => fingerprint.Replace(":", "").Replace(" ", "").ToUpperInvariant();

    private static void Replace(string path, string content)
    {
        var temp = path + ".new";
        File.WriteAllText(temp, content);
        File.Move(temp, path, overwrite: true);
    }
}
