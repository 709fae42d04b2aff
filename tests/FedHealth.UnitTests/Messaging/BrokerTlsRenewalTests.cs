using FedHealth.Messaging;
using FedHealth.Privacy.Crypto;
using FedHealth.Tests.Support;

namespace FedHealth.Tests.Messaging;

/// <summary>A site's renewed client certificate (a new bundle `enroll`ed while the agent runs) is shown from the next handshake on.</summary>
public sealed class BrokerTlsRenewalTests : IDisposable
{
    private readonly TempFolder temp = new();

    [Fact]
    public void The_client_certificate_is_read_again_when_its_file_is_replaced_and_a_half_written_one_keeps_the_last_that_worked()
    {
        using var ca = ConsortiumCa.Create();
        var (caFile, certFile, keyFile) = (Path.Combine(temp.Path, "ca-cert.pem"), Path.Combine(temp.Path, "tls-cert.pem"),
            Path.Combine(temp.Path, "tls-key.pem"));
        File.WriteAllText(caFile, ca.Certificate.ExportCertificatePem());
        using (var first = ca.IssueClient("DE-GBSG")) ConsortiumCa.WritePem(first, certFile, keyFile);
        var tls = BrokerTls.From(
            new BusOptions { Transport = BusOptions.RabbitMq, Uri = "amqps://localhost:5671/", CaFile = caFile, CertFile = certFile, KeyFile = keyFile })!;
        var before = tls.ClientCertificate!.Thumbprint;
        Assert.Equal(before,
            ((System.Security.Cryptography.X509Certificates.X509Certificate2)tls.SelectClientCertificate(this, "localhost", [], null, [])!).Thumbprint);

        using (var renewed = ca.IssueClient("DE-GBSG")) ConsortiumCa.WritePem(renewed, certFile, keyFile);
        File.SetLastWriteTimeUtc(certFile, DateTime.UtcNow.AddSeconds(1));
        var after = tls.ClientCertificate!.Thumbprint;
        Assert.NotEqual(before, after);

        File.WriteAllText(certFile, "-----BEGIN CERTIFICATE-----\nhalf");
        File.SetLastWriteTimeUtc(certFile, DateTime.UtcNow.AddSeconds(2));
        Assert.Equal(after, tls.ClientCertificate!.Thumbprint);
    }

    public void Dispose() => temp.Dispose();
}
