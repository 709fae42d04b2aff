using System.Net;
using FedHealth.Coordinator.Hosting;
using FedHealth.Privacy.Crypto;
using FedHealth.Tests.Support;

namespace FedHealth.Tests.Coordinator;

/// <summary>
/// A coordinator node's remoting certificate: it chains to the CA and carries the coordinator-node usage that no site or
/// broker certificate of the same CA has; a node refuses to start on anything else, naming the setting.
/// </summary>
public sealed class RemotingTlsSetupTests : IDisposable
{
    private readonly TempFolder temp = new();
    private readonly ConsortiumCa ca = ConsortiumCa.Create();

    private CoordinatorOptions Options(System.Security.Cryptography.X509Certificates.X509Certificate2 certificate, ConsortiumCa? signer = null)
    {
        var cert = Path.Combine(temp.Path, $"{Guid.NewGuid():N}-cert.pem");
        var key = Path.Combine(temp.Path, $"{Guid.NewGuid():N}-key.pem");
        ConsortiumCa.WritePem(certificate, cert, key);
        var caFile = Path.Combine(temp.Path, "ca-cert.pem");
        File.WriteAllText(caFile, (signer ?? ca).Certificate.ExportCertificatePem());
        return new CoordinatorOptions { RemotingCertFile = cert, RemotingKeyFile = key, RemotingCaFile = caFile };
    }

    [Fact]
    public void Only_a_node_certificate_carries_the_coordinator_node_usage()
    {
        using var node = ca.IssueCoordinatorNode("coordinator-1", [], [IPAddress.Loopback]);
        using var site = ca.IssueClient("DE-GBSG");
        using var broker = ca.IssueServer(["localhost"], []);
        Assert.Null(ConsortiumCa.Problem(node, ca.Certificate, ConsortiumCa.CoordinatorNodeAuth));
        Assert.Null(ConsortiumCa.Problem(node, ca.Certificate, server: true));
        Assert.Null(ConsortiumCa.Problem(node, ca.Certificate, server: false));
        Assert.NotNull(ConsortiumCa.Problem(site, ca.Certificate, ConsortiumCa.CoordinatorNodeAuth));
        Assert.NotNull(ConsortiumCa.Problem(broker, ca.Certificate, ConsortiumCa.CoordinatorNodeAuth));
    }

    [Fact]
    public void A_node_starts_with_TLS_only_on_a_node_certificate_of_its_CA_and_all_three_files()
    {
        Assert.Null(RemotingTls.Setup(new CoordinatorOptions()));
        using var node = ca.IssueCoordinatorNode("coordinator-1", [], [IPAddress.Loopback]);
        var setup = RemotingTls.Setup(Options(node));
        Assert.NotNull(setup);
        Assert.True(setup.RequireMutualAuthentication);

        var partial = Options(node);
        partial.RemotingCaFile = null;
        Assert.Contains("give all three", Assert.Throws<ArgumentException>(() => RemotingTls.Setup(partial)).Message);

        using var site = ca.IssueClient("DE-GBSG");
        Assert.Contains("not a coordinator node certificate", Assert.Throws<ArgumentException>(() => RemotingTls.Setup(Options(site))).Message);
        using var other = ConsortiumCa.Create("another consortium");
        Assert.Contains("is not trusted by the consortium CA", Assert.Throws<ArgumentException>(() => RemotingTls.Setup(Options(node, other))).Message);
        var missing = Options(node);
        missing.RemotingKeyFile = Path.Combine(temp.Path, "absent.pem");
        Assert.Contains("absent.pem: not found", Assert.Throws<ArgumentException>(() => RemotingTls.Setup(missing)).Message);
    }

    public void Dispose()
    {
        ca.Dispose();
        temp.Dispose();
    }
}
