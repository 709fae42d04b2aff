using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using RabbitMQ.Client;

namespace FedHealth.Messaging;

/// <summary>
/// TLS to RabbitMQ (amqps://) the consortium's way: the broker's certificate is checked against the consortium CA of
/// Bus:CaFile only (custom root trust, no system roots) and against the host name, and a client certificate is shown
/// when Bus:CertFile/Bus:KeyFile are set. Used by the MassTransit bus and by every connection opened beside it.
/// </summary>
public sealed class BrokerTls
{
    private static readonly System.Security.Cryptography.Oid ServerAuth = new("1.3.6.1.5.5.7.3.1");
    private readonly X509Certificate2 ca;

    private readonly string? certFile;
    private readonly string? keyFile;
    private readonly Lock gate = new();
    private X509Certificate2? clientCertificate;
    private DateTime certWrittenAt;

    public string ServerName { get; }

    /// <summary>
    /// The client certificate as Bus:CertFile holds it now: a renewed certificate (`enroll` of a new bundle) is read again
    /// and shown from the next connection, with no restart of the process.
    /// </summary>
    public X509Certificate2? ClientCertificate
    {
        get
        {
            if (certFile is null) return null;
            lock (gate)
            {
                var written = File.GetLastWriteTimeUtc(certFile);
                if (clientCertificate is null || written != certWrittenAt)
                {
                    try { (clientCertificate, certWrittenAt) = (X509Certificate2.CreateFromPemFile(certFile, keyFile), written); }
                    catch (Exception e) when ((e is IOException or System.Security.Cryptography.CryptographicException) && clientCertificate is not null)
                    {
                        // Half-written or mismatched while being replaced: keep showing the one that worked until the next try.
                    }
                }
                return clientCertificate;
            }
        }
    }
    /// <summary>Log in with the client certificate (SASL EXTERNAL) rather than the Uri's user and password.</summary>
    public bool CertificateLogin { get; }

    private BrokerTls(X509Certificate2 ca, string serverName, string? certFile, string? keyFile, bool certificateLogin)
    {
        this.ca = ca;
        ServerName = serverName;
        (this.certFile, this.keyFile) = (certFile, keyFile);
        CertificateLogin = certificateLogin;
        _ = ClientCertificate; // a certificate that does not load fails at start, naming the file
    }

    /// <summary>The TLS settings of <paramref name="options"/>, or null for plain amqp://.</summary>
    public static BrokerTls? From(BusOptions options)
    {
        if (!options.UsesTls) return null;
        options.Validate();
        var ca = X509Certificate2.CreateFromPem(File.ReadAllText(options.CaFile!));
        var serverName = string.IsNullOrWhiteSpace(options.ServerName) ? new Uri(options.Uri).Host : options.ServerName;
        return new BrokerTls(ca, serverName, string.IsNullOrWhiteSpace(options.CertFile) ? null : options.CertFile, options.KeyFile, options.CertificateLogin);
    }

    /// <summary>
    /// Accepts the broker's certificate only when it names <see cref="ServerName"/> and chains to the consortium CA.
    /// A refusal throws, so that the connection error says why instead of "rejected by the callback".
    /// </summary>
    public bool Validate(object sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        if (certificate is null || errors.HasFlag(SslPolicyErrors.RemoteCertificateNotAvailable))
            throw new AuthenticationException("the broker presented no TLS certificate");
        if (errors.HasFlag(SslPolicyErrors.RemoteCertificateNameMismatch))
            throw new AuthenticationException($"the broker's certificate '{certificate.Subject}' is not for '{ServerName}' (set Bus:ServerName to the name " +
                "it carries, or issue it for this name)");
        using var presented = X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
        using var custom = new X509Chain();
        custom.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        custom.ChainPolicy.CustomTrustStore.Add(ca);
        custom.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        custom.ChainPolicy.ApplicationPolicy.Add(ServerAuth);
        if (chain is not null)
            foreach (var element in chain.ChainElements.Skip(1)) custom.ChainPolicy.ExtraStore.Add(element.Certificate);
        if (custom.Build(presented)) return true;
        var statuses = custom.ChainStatus.Select(s => $"{s.Status}: {s.StatusInformation.Trim()}").Distinct();
        throw new AuthenticationException($"the broker's certificate '{presented.Subject}' (issued by '{presented.Issuer}') is not trusted: " +
                                          $"it does not chain to the consortium CA '{ca.Subject}' of Bus:CaFile ({string.Join("; ", statuses)})");
    }

    /// <summary>The client certificate to show in a TLS handshake: the current one (<see cref="ClientCertificate"/>).</summary>
    public X509Certificate? SelectClientCertificate(object sender, string targetHost, X509CertificateCollection localCertificates,
        X509Certificate? remoteCertificate, string[] acceptableIssuers) =>
        ClientCertificate;

    /// <summary>Applies these settings to a RabbitMQ.Client connection factory whose Uri is already set.</summary>
    public void Apply(ConnectionFactory factory)
    {
        factory.Ssl.Enabled = true;
        factory.Ssl.ServerName = ServerName;
        factory.Ssl.CertificateValidationCallback = Validate;
        if (ClientCertificate is { } client)
        {
            factory.Ssl.Certs = new X509CertificateCollection { client };
            factory.Ssl.CertificateSelectionCallback = SelectClientCertificate;
        }
        if (CertificateLogin) factory.AuthMechanisms = [new ExternalMechanismFactory()];
    }

    /// <summary>A connection factory for <paramref name="options"/>: TLS set up as the bus does it when the Uri is amqps://.</summary>
    public static ConnectionFactory Factory(BusOptions options)
    {
        var factory = new ConnectionFactory { Uri = new Uri(options.Uri) };
        From(options)?.Apply(factory);
        return factory;
    }
}
