using System.Net;
using System.Security.Cryptography.X509Certificates;
using FedHealth.Privacy.Crypto;

namespace FedHealth.Tests.Privacy;

public sealed class ConsortiumCaTests : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("fedhealth-ca-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    [Fact]
    public void The_CA_is_a_self_signed_ten_year_certificate_authority_saved_with_a_private_key_only_its_owner_reads()
    {
        using var ca = ConsortiumCa.Create();
        ca.Save(folder);

        var cert = X509Certificate2.CreateFromPem(File.ReadAllText(Path.Combine(folder, ConsortiumCa.CertFileName)));
        Assert.Equal(cert.Subject, cert.Issuer);
        Assert.True(cert.Extensions.OfType<X509BasicConstraintsExtension>().Single().CertificateAuthority);
        Assert.True(cert.Extensions.OfType<X509KeyUsageExtension>().Single().KeyUsages.HasFlag(X509KeyUsageFlags.KeyCertSign));
        Assert.InRange((cert.NotAfter - cert.NotBefore).TotalDays, 3600, 3700);
        if (!OperatingSystem.IsWindows())
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(folder, ConsortiumCa.KeyFileName)));
        Assert.Throws<IOException>(() => ConsortiumCa.Create().Save(folder));

        using var loaded = ConsortiumCa.Load(folder);
        Assert.Equal(ca.Certificate.Thumbprint, loaded.Certificate.Thumbprint);
        using var issued = loaded.IssueClient("DE-GBSG");
        Assert.Null(ConsortiumCa.Problem(issued, ca.Certificate, server: false));
    }

    [Fact]
    public void A_server_certificate_chains_to_the_CA_with_its_names_and_serverAuth_only()
    {
        using var ca = ConsortiumCa.Create();
        using var server = ca.IssueServer(["localhost", "broker.example"], [IPAddress.Loopback]);

        Assert.Null(ConsortiumCa.Problem(server, ca.Certificate, server: true));
        Assert.NotNull(ConsortiumCa.Problem(server, ca.Certificate, server: false));
        var eku = server.Extensions.OfType<X509EnhancedKeyUsageExtension>().Single().EnhancedKeyUsages.Cast<System.Security.Cryptography.Oid>()
            .Select(o => o.Value);
        Assert.Equal(["1.3.6.1.5.5.7.3.1"], eku);
        var names = server.Extensions.OfType<X509SubjectAlternativeNameExtension>().Single();
        Assert.Equal(["localhost", "broker.example"], names.EnumerateDnsNames());
        Assert.Equal([IPAddress.Loopback], names.EnumerateIPAddresses());
        Assert.True(server.MatchesHostname("broker.example"));
        Assert.False(server.MatchesHostname("elsewhere.example"));
        Assert.InRange((server.NotAfter - server.NotBefore).TotalDays, 700, 740);
    }

    [Fact]
    public void A_client_certificate_names_the_site_and_is_for_clientAuth()
    {
        using var ca = ConsortiumCa.Create();
        using var client = ca.IssueClient("NL-ROTTERDAM-A");

        Assert.Equal("NL-ROTTERDAM-A", client.GetNameInfo(X509NameType.SimpleName, forIssuer: false));
        Assert.Null(ConsortiumCa.Problem(client, ca.Certificate, server: false));
        Assert.NotNull(ConsortiumCa.Problem(client, ca.Certificate, server: true));
    }

    [Fact]
    public void An_expired_certificate_or_one_from_another_CA_is_refused()
    {
        using var ca = ConsortiumCa.Create();
        using var foreign = ConsortiumCa.Create("someone else's CA");
        using var expired = ca.IssueServer(["localhost"], [], now: DateTimeOffset.UtcNow.AddDays(-30), validity: TimeSpan.FromDays(7));
        using var stranger = foreign.IssueServer(["localhost"], []);

        Assert.Contains("NotTimeValid", ConsortiumCa.Problem(expired, ca.Certificate, server: true));
        Assert.Contains("not trusted", ConsortiumCa.Problem(stranger, ca.Certificate, server: true));
        Assert.Null(ConsortiumCa.Problem(stranger, foreign.Certificate, server: true));
    }
}

public sealed class ProvisionCaCommandTests : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("fedhealth-provision-ca-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    [Fact]
    public async Task Provision_ca_refuses_to_overwrite_and_broker_cert_is_issued_by_it_for_the_names_given()
    {
        var ca = Path.Combine(folder, "ca");
        var broker = Path.Combine(folder, "broker");
        Assert.Equal(0, await Support.CliRunner.Run("provision", "ca", "--out", ca));
        var (again, errors) = await Support.CliRunner.RunReadingErrors("provision", "ca", "--out", ca);
        Assert.Equal(2, again);
        Assert.Contains("refusing to overwrite", errors);

        Assert.Equal(0, await Support.CliRunner.Run("provision", "broker-cert", "--ca", ca, "--dns", "localhost", "--ip", "127.0.0.1", "--out", broker));
        var caCert = X509Certificate2.CreateFromPem(File.ReadAllText(Path.Combine(broker, "ca-cert.pem")));
        using var server = X509Certificate2.CreateFromPemFile(Path.Combine(broker, "broker-cert.pem"), Path.Combine(broker, "broker-key.pem"));
        Assert.Null(ConsortiumCa.Problem(server, caCert, server: true));
        Assert.True(server.MatchesHostname("localhost"));
        Assert.True(server.MatchesHostname("127.0.0.1"));
        Assert.Equal(File.ReadAllText(Path.Combine(ca, "ca-cert.pem")), File.ReadAllText(Path.Combine(broker, "ca-cert.pem")));

        var (bad, badErrors) = await Support.CliRunner.RunReadingErrors("provision", "broker-cert", "--ca", ca, "--ip", "not-an-ip", "--out", broker);
        Assert.Equal(2, bad);
        Assert.Contains("not-an-ip", badErrors);
    }

    [Fact]
    public async Task Provision_site_refuses_a_request_file_that_is_not_one_or_a_missing_consortium_naming_which()
    {
        var ca = Path.Combine(folder, "ca");
        Assert.Equal(0, await Support.CliRunner.Run("provision", "ca", "--out", ca));
        Assert.Equal(0, await Support.CliRunner.Run("provision", "keys", "--out", Path.Combine(folder, "consortium")));
        var consortium = Path.Combine(folder, "consortium", "consortium.json");
        var before = File.ReadAllText(consortium);
        var request = Path.Combine(folder, "request.json");
        File.WriteAllText(request, """{ "format": "fedhealth-enrolment-request/1", "siteId": [] }""");
        string[] args = ["provision", "site", "--ca", ca, "--consortium", consortium, "--request", request, "--broker", "amqps://broker:5671/", "--out",
            Path.Combine(folder, "b.json")];

        var (code, errors) = await Support.CliRunner.RunReadingErrors(args);
        Assert.Equal(2, code);
        Assert.Contains($"{request} (field $.siteId)", errors);
        Assert.Equal(before, File.ReadAllText(consortium));
        Assert.False(File.Exists(Path.Combine(folder, "b.json")));

        args[5] = Path.Combine(folder, "nowhere.json");
        File.WriteAllText(request, File.ReadAllText(request).Replace("[]", "\"X\", \"jurisdiction\": \"DE\", \"identityPublicKey\": \"\", " +
            "\"certificateRequest\": \"\", \"identityProof\": \"\", \"createdAt\": \"2026-01-01T00:00:00Z\""));
        (code, errors) = await Support.CliRunner.RunReadingErrors(args);
        Assert.Equal(2, code);
        Assert.Contains("identityPublicKey", errors); // the request is judged before the consortium file is opened
    }
}
