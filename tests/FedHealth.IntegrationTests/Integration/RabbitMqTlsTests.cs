using System.Security.Cryptography.X509Certificates;
using FedHealth.Contracts;
using FedHealth.Messaging;
using FedHealth.Privacy.Crypto;
using FedHealth.Tests.Support;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;

namespace FedHealth.Tests.Integration;

/// <summary>amqps:// against a real RabbitMQ whose certificate the consortium CA signed.</summary>
[Collection(TlsRabbitMqCollection.Name)]
public sealed class RabbitMqTlsTests(TlsRabbitMqBroker broker) : IDisposable
{
    private readonly TempFolder temp = new();

    [Fact]
    public async Task A_bus_trusting_the_consortium_CA_publishes_and_consumes_over_amqps()
    {
        var received = new TaskCompletionSource<SiteHeartbeat>(TaskCreationOptions.RunContinuationsAsynchronously);
        var options = new BusOptions { Transport = BusOptions.RabbitMq, Uri = broker.TlsUri, CaFile = broker.CaFile };
        // The quorum-queue check opens its own connection, over TLS as well.
        Assert.Null(await QuorumQueueCheck.Problem(options, ["fedhealth-tls-test-quorum"]));
        var services = new ServiceCollection();
        services.AddFederationBus(options, _ => { },
            (_, cfg) => cfg.ReceiveEndpoint("fedhealth-tls-test-observer", e =>
            {
                if (e is IRabbitMqReceiveEndpointConfigurator rabbit) rabbit.AutoDelete = true;
                e.Handler<SiteHeartbeat>(c => { received.TrySetResult(c.Message); return Task.CompletedTask; });
            }));
        await using var provider = services.BuildServiceProvider();
        var control = provider.GetRequiredService<IBusControl>();
        await control.StartAsync(new CancellationTokenSource(TimeSpan.FromSeconds(60)).Token);
        try
        {
            await control.Publish(new SiteHeartbeat
            {
                SiteId = "DE-GBSG", Jurisdiction = "DE", Schema = "gbsg", FeatureNames = ["age"], TrainSamples = 1, TestSamples = 1, Device = "cpu",
                SentAt = DateTimeOffset.UtcNow,
            });
            var heartbeat = await received.Task.WaitAsync(TimeSpan.FromSeconds(60));
            Assert.Equal("DE-GBSG", heartbeat.SiteId);
        }
        finally
        {
            await control.StopAsync();
        }
    }

    [Fact]
    public async Task A_client_trusting_another_CA_is_refused_because_the_broker_certificate_is_not_trusted()
    {
        using (var foreign = ConsortiumCa.Create("another consortium")) foreign.Save(temp.Path);
        var options = new BusOptions { Transport = BusOptions.RabbitMq, Uri = broker.TlsUri, CaFile = Path.Combine(temp.Path, ConsortiumCa.CertFileName) };
        var factory = BrokerTls.Factory(options);
        factory.AutomaticRecoveryEnabled = false;
        var error = await Assert.ThrowsAnyAsync<Exception>(async () => { await using var connection = await factory.CreateConnectionAsync(); });
        var messages = string.Join(" | ", Chain(error).Select(e => e.Message));
        Assert.Contains("is not trusted", messages);
        Assert.Contains("consortium CA", messages);
        // The check run before the bus starts reports it rather than leaving the bus to retry forever.
        Assert.Contains("is not trusted", await QuorumQueueCheck.Problem(options, ["fedhealth-tls-test-quorum"]));
    }

    [Fact]
    public async Task A_site_presents_its_client_certificate_and_the_broker_refuses_one_the_consortium_did_not_issue()
    {
        using (var ca = ConsortiumCa.Load(broker.CaFolder))
        using (var site = ca.IssueClient("DE-GBSG"))
            ConsortiumCa.WritePem(site, temp.File("site-cert.pem", ""), temp.File("site-key.pem", ""));
        using (var foreign = ConsortiumCa.Create("another consortium"))
        using (var stranger = foreign.IssueClient("DE-GBSG"))
            ConsortiumCa.WritePem(stranger, temp.File("stranger-cert.pem", ""), temp.File("stranger-key.pem", ""));

        var member = new BusOptions
        {
            Transport = BusOptions.RabbitMq, Uri = broker.TlsUri, CaFile = broker.CaFile,
            CertFile = Path.Combine(temp.Path, "site-cert.pem"), KeyFile = Path.Combine(temp.Path, "site-key.pem"),
        };
        var factory = BrokerTls.Factory(member);
        factory.AutomaticRecoveryEnabled = false;
        await using (var connection = await factory.CreateConnectionAsync()) Assert.True(connection.IsOpen);

        // The broker verifies a certificate it is shown (verify_peer): one from another CA ends the handshake.
        var impostor = BrokerTls.Factory(new BusOptions
        {
            Transport = BusOptions.RabbitMq, Uri = broker.TlsUri, CaFile = broker.CaFile,
            CertFile = Path.Combine(temp.Path, "stranger-cert.pem"), KeyFile = Path.Combine(temp.Path, "stranger-key.pem"),
        });
        impostor.AutomaticRecoveryEnabled = false;
        await Assert.ThrowsAnyAsync<Exception>(async () => { await using var connection = await impostor.CreateConnectionAsync(); });
    }

    [Fact]
    public async Task A_certificate_for_another_host_name_is_refused()
    {
        var options = new BusOptions { Transport = BusOptions.RabbitMq, Uri = broker.TlsUri, CaFile = broker.CaFile, ServerName = "broker.elsewhere.example" };
        var factory = BrokerTls.Factory(options);
        factory.AutomaticRecoveryEnabled = false;
        var error = await Assert.ThrowsAnyAsync<Exception>(async () => { await using var connection = await factory.CreateConnectionAsync(); });
        Assert.Contains("is not for 'broker.elsewhere.example'", string.Join(" | ", Chain(error).Select(e => e.Message)));
    }

    [Fact]
    public void Amqps_without_a_CA_file_or_with_a_missing_one_is_refused_naming_the_setting()
    {
        var missing = new BusOptions { Transport = BusOptions.RabbitMq, Uri = broker.TlsUri };
        Assert.Contains("Bus:CaFile is not set", Assert.Throws<ArgumentException>(missing.Validate).Message);
        var absent = new BusOptions { Transport = BusOptions.RabbitMq, Uri = broker.TlsUri, CaFile = Path.Combine(temp.Path, "nope.pem") };
        Assert.Contains("Bus:CaFile", Assert.Throws<ArgumentException>(absent.Validate).Message);
    }

    private static IEnumerable<Exception> Chain(Exception e)
    {
        for (Exception? current = e; current is not null; current = current.InnerException)
        {
            yield return current;
            if (current is AggregateException aggregate) foreach (var inner in aggregate.InnerExceptions.SelectMany(Chain)) yield return inner;
        }
    }

    public void Dispose() => temp.Dispose();
}
