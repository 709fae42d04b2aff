using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Akka.Actor;
using Akka.Configuration;
using Akka.Remote.Transport.DotNetty;
using FedHealth.Contracts;
using FedHealth.Coordinator.Hosting;
using FedHealth.Privacy.Crypto;
using FedHealth.Tests.Support;
using Xunit.Abstractions;

namespace FedHealth.Tests.Chaos;

/// <summary>
/// Coordinator nodes talk over mutual TLS: two node processes, each with its own `provision node-cert` certificate, form
/// the cluster on a real PostgreSQL journal and run a job; an intruder that reaches the first node's remoting port with a
/// certificate of the same consortium CA, but a site's, is refused during the handshake and never joins.
/// </summary>
[Collection(RealServersCollection.Name)]
public sealed partial class RemotingTlsTests(RealServers servers, ITestOutputHelper log) : IDisposable
{
    private static readonly string[] SiteIds = ["DE-GBSG", "NL-ROTTERDAM-A", "NL-ROTTERDAM-B"];
    private readonly TempFolder temp = new();

    [Fact]
    public async Task Nodes_with_node_certificates_form_the_cluster_over_mutual_TLS_and_a_site_certificate_of_the_same_CA_is_refused()
    {
        var caFolder = Path.Combine(temp.Path, "ca");
        Assert.Equal(0, await CliRunner.Run("provision", "ca", "--out", caFolder));
        string[] Node(int i)
        {
            var folder = Path.Combine(temp.Path, $"node-cert-{i + 1}");
            Assert.Equal(0, CliRunner.Run("provision", "node-cert", "--ca", caFolder, "--name", $"coordinator-{i + 1}", "--ip", "127.0.0.1", "--out", folder)
                .GetAwaiter().GetResult());
            return [$"--Coordinator:RemotingCertFile={Path.Combine(folder, "node-cert.pem")}",
                $"--Coordinator:RemotingKeyFile={Path.Combine(folder, "node-key.pem")}",
                $"--Coordinator:RemotingCaFile={Path.Combine(folder, "ca-cert.pem")}"];
        }

        var journal = servers.PostgreSql.NewDatabase();
        using var federation = new ProcessFederation(servers.RabbitMq, Path.Combine(temp.Path, "federation"), SiteIds, log, new CoordinatorCluster(2, journal),
            nodeSettings: Node);
        var (first, second) = (federation.Coordinators[0], federation.Coordinators[1]);
        var firstAddress = NodeAddress().Match(first.Output).Groups[1].Value;
        Assert.StartsWith("akka.ssl.tcp://", firstAddress);
        await Eventually.Get(() => Task.FromResult(second.Output.Contains($"Welcome from [{firstAddress}]") ? second : null), TimeSpan.FromSeconds(90),
            "the second node to join the first over TLS");
        await federation.SitesOnline(3);
        var created = await federation.Http.PostAsJsonAsync("/api/jobs",
            ProcessFederation.BreastPrognosis(rounds: 2, deadline: TimeSpan.FromSeconds(30)) with { SecureAggregation = false }, ProcessFederation.Json);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var job = (await created.Content.ReadFromJsonAsync<JobAccepted>(ProcessFederation.Json))!.JobId;
        Assert.Equal("completed", (await federation.Ended(job, TimeSpan.FromSeconds(120))).Status);

        // The intruder: a site's client certificate from the same CA, and no validation of its own.
        using (var ca = ConsortiumCa.Load(caFolder))
        using (var siteCertificate = ca.IssueClient("DE-GBSG"))
        {
            var intruder = ActorSystem.Create("fedhealth", BootstrapSetup.Create()
                .WithConfig(ConfigurationFactory.ParseString($$"""
                    akka.actor.provider = cluster
                    akka.remote.dot-netty.tcp { hostname = "127.0.0.1", port = 0, enable-ssl = on }
                    akka.cluster.seed-nodes = ["{{firstAddress}}"]
                    """))
                .And(new DotNettySslSetup(siteCertificate, suppressValidation: true, requireMutualAuthentication: true)));
            try
            {
                await Eventually.Get(() => Task.FromResult(first.Output.Contains("remoting: refused a TLS connection with") ? first : null),
                    TimeSpan.FromSeconds(60),
                    "the first node to refuse the intruder's handshake");
                Assert.Contains("is not trusted by the consortium CA", first.Output);
                Assert.NotEqual(Akka.Cluster.MemberStatus.Up, Akka.Cluster.Cluster.Get(intruder).SelfMember.Status);
                Assert.Empty(Akka.Cluster.Cluster.Get(intruder).State.Members);
            }
            finally
            {
                await intruder.Terminate();
            }
        }
    }

    [GeneratedRegex(@"coordinator node (akka\.ssl\.tcp://fedhealth@[0-9.]+:[0-9]+) up")]
    private static partial Regex NodeAddress();

    public void Dispose() => temp.Dispose();
}
