using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace FedHealth.Privacy.Crypto;

/// <summary>
/// The consortium's own certificate authority: it signs the broker's server certificate and each site's client
/// certificate, and is the only root the members trust for them (never the operating system's store). ECDSA P-256,
/// self-signed, valid about 10 years; kept as ca-cert.pem and ca-key.pem (PKCS#8, mode 600) in one folder.
/// </summary>
public sealed class ConsortiumCa : IDisposable
{
    public const string CertFileName = "ca-cert.pem";
    public const string KeyFileName = "ca-key.pem";
    private static readonly Oid ServerAuth = new("1.3.6.1.5.5.7.3.1");
    private static readonly Oid ClientAuth = new("1.3.6.1.5.5.7.3.2");
    /// <summary>
    /// FedHealth's own extended key usage for a coordinator node's remoting certificate (an OID under the UUID arc 2.25,
    /// which needs no registration): the same CA signs the sites' client certificates, and a site's must never open a
    /// node's remoting port.
    /// </summary>
    public static readonly Oid CoordinatorNodeAuth = new("2.25.192178035271262347463829036519850238712", "FedHealth coordinator node");

    private readonly ECDsa key;

    /// <summary>The CA certificate, without its private key.</summary>
    public X509Certificate2 Certificate { get; }

    private ConsortiumCa(X509Certificate2 certificate, ECDsa key) { Certificate = certificate; this.key = key; }

    public static ConsortiumCa Create(string name = "FedHealth consortium CA", DateTimeOffset? now = null)
    {
        var start = (now ?? DateTimeOffset.UtcNow).AddMinutes(-5);
        var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(new X500DistinguishedName($"CN={Escape(name)}, O=FedHealth"), key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(
            new X509BasicConstraintsExtension(certificateAuthority: true, hasPathLengthConstraint: true, pathLengthConstraint: 0, critical: true));
        request.CertificateExtensions.Add(
            new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign | X509KeyUsageFlags.DigitalSignature, critical: true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, critical: false));
        using var selfSigned = request.CreateSelfSigned(start, start.AddYears(10));
        return new ConsortiumCa(X509CertificateLoader.LoadCertificate(selfSigned.RawData), key);
    }

    /// <summary>Writes DIR/ca-cert.pem and DIR/ca-key.pem; refuses to replace a CA already there (every certificate it signed would be orphaned).</summary>
    public void Save(string folder)
    {
        var certFile = Path.Combine(folder, CertFileName);
        var keyFile = Path.Combine(folder, KeyFileName);
        if (File.Exists(certFile) || File.Exists(keyFile))
            throw new IOException($"{folder} already holds a consortium CA ({CertFileName}/{KeyFileName}); refusing to overwrite it");
        Directory.CreateDirectory(folder);
        PemFiles.WritePrivate(keyFile, key.ExportPkcs8PrivateKeyPem());
        File.WriteAllText(certFile, Certificate.ExportCertificatePem());
    }

    /// <summary>The CA's signature over <paramref name="content"/> (a consortium file's; see <see cref="ConsortiumTrust.SignedBy"/>).</summary>
    public byte[] Sign(byte[] content) => key.SignData(content, HashAlgorithmName.SHA256);

    /// <summary><paramref name="trust"/> one version on, signed by this CA: every change the consortium makes to its file goes through here.</summary>
    public ConsortiumTrust Signed(ConsortiumTrust trust)
    {
        var next = trust with { Version = trust.Version + 1, Signature = null };
        return next with { Signature = Sign(next.SignedContent()) };
    }

    public static ConsortiumCa Load(string folder)
    {
        var certFile = Path.Combine(folder, CertFileName);
        var keyFile = Path.Combine(folder, KeyFileName);
        if (!File.Exists(certFile) || !File.Exists(keyFile))
            throw new FileNotFoundException(
                $"{folder}: no consortium CA there (expected {CertFileName} and {KeyFileName}; create one with `fedhealth provision ca`)");
        var certificate = X509Certificate2.CreateFromPem(File.ReadAllText(certFile));
        var key = ECDsa.Create();
        key.ImportFromPem(File.ReadAllText(keyFile));
        using var check = certificate.CopyWithPrivateKey(key); // throws when the key does not belong to the certificate
        return new ConsortiumCa(certificate, key);
    }

    /// <summary>The broker's certificate: its DNS names and IP addresses as subject alternative names, for serverAuth, about 2 years.</summary>
    public X509Certificate2 IssueServer(IReadOnlyCollection<string> dnsNames, IReadOnlyCollection<IPAddress> addresses, DateTimeOffset? now = null,
        TimeSpan? validity = null)
    {
        if (dnsNames.Count + addresses.Count == 0) throw new ArgumentException("a server certificate needs at least one DNS name or IP address");
        var names = new SubjectAlternativeNameBuilder();
        foreach (var dns in dnsNames) names.AddDnsName(dns);
        foreach (var address in addresses) names.AddIpAddress(address);
        var subject = dnsNames.FirstOrDefault() ?? addresses.First().ToString();
        using var leafKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var issued = Issue($"CN={Escape(subject)}, O=FedHealth", new PublicKey(leafKey), ServerAuth,
            X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment,
            names.Build(), now, validity ?? TimeSpan.FromDays(2 * 365));
        return issued.CopyWithPrivateKey(leafKey);
    }

    /// <summary>
    /// A coordinator node's remoting certificate (Akka.NET over mutual TLS): both ends of a connection present one, so it
    /// serves as server and client, and it carries <see cref="CoordinatorNodeAuth"/>, which no site or broker certificate has.
    /// </summary>
    public X509Certificate2 IssueCoordinatorNode(string name, IReadOnlyCollection<string> dnsNames, IReadOnlyCollection<IPAddress> addresses,
        DateTimeOffset? now = null, TimeSpan? validity = null)
    {
        if (string.IsNullOrWhiteSpace(name)) throw new ArgumentException("a coordinator node certificate needs the node's name");
        var names = new SubjectAlternativeNameBuilder();
        foreach (var dns in dnsNames) names.AddDnsName(dns);
        foreach (var address in addresses) names.AddIpAddress(address);
        using var leafKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var issued = Issue($"CN={Escape(name)}, OU=coordinator, O=FedHealth", new PublicKey(leafKey), [ServerAuth, ClientAuth, CoordinatorNodeAuth],
            X509KeyUsageFlags.DigitalSignature, dnsNames.Count + addresses.Count == 0 ? null : names.Build(), now, validity ?? TimeSpan.FromDays(2 * 365));
        return issued.CopyWithPrivateKey(leafKey);
    }

    /// <summary>A site's certificate with a fresh key made here: CN = the site id, for clientAuth, about 2 years.</summary>
    public X509Certificate2 IssueClient(string siteId, DateTimeOffset? now = null, TimeSpan? validity = null)
    {
        using var leafKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var issued = IssueClient(siteId, new PublicKey(leafKey), now, validity);
        return issued.CopyWithPrivateKey(leafKey);
    }

    /// <summary>
    /// A site's certificate for a public key the site sent (from its certificate signing request): the key never
    /// leaves the hospital. Only the key is taken from the request; subject and extensions are the CA's own.
    /// </summary>
    public X509Certificate2 IssueClient(string siteId, PublicKey publicKey, DateTimeOffset? now = null, TimeSpan? validity = null)
    {
        if (string.IsNullOrWhiteSpace(siteId)) throw new ArgumentException("a client certificate needs the site id");
        return Issue($"CN={Escape(siteId)}, O=FedHealth", publicKey, ClientAuth, X509KeyUsageFlags.DigitalSignature, extension: null, now,
            validity ?? TimeSpan.FromDays(2 * 365));
    }

    /// <summary>Why <paramref name="certificate"/> is not a valid certificate of this CA as a server (serverAuth) or client (clientAuth) certificate, or null
    /// when it is.</summary>
    public static string? Problem(X509Certificate2 certificate, X509Certificate2 caCertificate, bool server, DateTime? at = null) =>
        Problem(certificate, caCertificate, server ? ServerAuth : ClientAuth, at);

    /// <summary>Why <paramref name="certificate"/> is not a valid certificate of this CA for <paramref name="usage"/>, or null when it is.</summary>
    public static string? Problem(X509Certificate2 certificate, X509Certificate2 caCertificate, Oid usage, DateTime? at = null)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(caCertificate);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.ApplicationPolicy.Add(usage);
        if (at is { } time) chain.ChainPolicy.VerificationTime = time;
        chain.ChainPolicy.VerificationTimeIgnored = false;
        if (chain.Build(certificate)) return null;
        var statuses = chain.ChainStatus.Select(s => $"{s.Status}: {s.StatusInformation.Trim()}").Distinct();
        return $"certificate '{certificate.Subject}' is not trusted by the consortium CA '{caCertificate.Subject}': {string.Join("; ", statuses)}";
    }

    /// <summary>Writes CERT (PEM) and KEY (PKCS#8 PEM, mode 600) for an issued certificate.</summary>
    public static void WritePem(X509Certificate2 certificate, string certFile, string keyFile)
    {
        using var privateKey = certificate.GetECDsaPrivateKey() ?? throw new ArgumentException("the certificate carries no ECDSA private key");
        PemFiles.WritePrivate(keyFile, privateKey.ExportPkcs8PrivateKeyPem());
        File.WriteAllText(certFile, certificate.ExportCertificatePem());
    }

    private X509Certificate2 Issue(string subject, PublicKey publicKey, Oid usage, X509KeyUsageFlags keyUsage, X509Extension? extension, DateTimeOffset? now,
        TimeSpan validity) =>
        Issue(subject, publicKey, [usage], keyUsage, extension, now, validity);

    private X509Certificate2 Issue(string subject, PublicKey publicKey, Oid[] usages, X509KeyUsageFlags keyUsage, X509Extension? extension,
        DateTimeOffset? now, TimeSpan validity)
    {
        var start = (now ?? DateTimeOffset.UtcNow).AddMinutes(-5);
        var end = start + validity;
        if (end > Certificate.NotAfter) end = Certificate.NotAfter;
        var request = new CertificateRequest(new X500DistinguishedName(subject), publicKey, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, critical: true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(keyUsage, critical: true));
        var usageOids = new OidCollection();
        foreach (var usage in usages) usageOids.Add(usage);
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(usageOids, critical: false));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, critical: false));
        request.CertificateExtensions.Add(
            X509AuthorityKeyIdentifierExtension.CreateFromCertificate(Certificate, includeKeyIdentifier: true, includeIssuerAndSerial: false));
        if (extension is not null) request.CertificateExtensions.Add(extension);
        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7F;
        var generator = X509SignatureGenerator.CreateForECDsa(key);
        return request.Create(Certificate.SubjectName, generator, start, end, serial);
    }

    private static string Escape(string value) => value.Contains(',') || value.Contains('=') || value.Contains('"')
        ? $"\"{value.Replace("\"", "\"\"")}\"" : value;

    public void Dispose()
    {
        key.Dispose();
        Certificate.Dispose();
    }
}
