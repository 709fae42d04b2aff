using System.Net;
using System.Net.Sockets;
using FedHealth.Tests.Support;
using Xunit.Abstractions;

namespace FedHealth.Tests.Integration;

/// <summary>
/// Nothing of a hospital's leaves except to the broker. Every deployable runs with an HTTP(S) proxy that records each
/// connection made to it (.NET's HttpClient sends outbound HTTP through the proxy the environment names) through start,
/// work and an orderly stop: not one connection may arrive. MassTransit's usage report would go at the earliest 5
/// minutes after a bus starts (30 s with its shortest setting, never on stop by default), past this test:
/// UsageTelemetryTests checks that every federation bus has it off.
/// </summary>
[Collection(RabbitMqCollection.Name)]
public sealed class NoThirdPartyTests(RabbitMqBroker broker, ITestOutputHelper log) : IDisposable
{
    private readonly TempFolder temp = new();

    [Fact]
    public async Task The_coordinator_a_site_and_the_dashboard_open_no_connection_but_the_brokers_through_start_work_and_stop()
    {
        var proxy = new TcpListener(IPAddress.Loopback, 0);
        proxy.Start();
        var attempts = 0;
        var accepting = Task.Run(async () =>
        {
            try { while (true) { using var client = await proxy.AcceptTcpClientAsync(); Interlocked.Increment(ref attempts); } }
            catch (Exception e) when (e is SocketException or ObjectDisposedException) { }
        });
        var address = $"http://127.0.0.1:{((IPEndPoint)proxy.LocalEndpoint).Port}";
        var environment = new Dictionary<string, string> { ["HTTP_PROXY"] = address, ["HTTPS_PROXY"] = address, ["ALL_PROXY"] = address, ["NO_PROXY"] = "" };
        try
        {
            var federation = new ProcessFederation(broker, temp.Path, ["DE-GBSG"], log, environment: environment);
            try
            {
                await federation.SitesOnline(1);
                foreach (var process in new[] { federation.Sites["DE-GBSG"], federation.Dashboard, federation.Coordinators[0] })
                    Assert.True(process.Stop(TimeSpan.FromSeconds(60)), $"{process.Name} did not stop within 60 s of SIGTERM");
            }
            finally { federation.Dispose(); }
            Assert.Equal(0, Volatile.Read(ref attempts));
        }
        finally
        {
            proxy.Stop();
            await accepting;
        }
    }

    public void Dispose() => temp.Dispose();
}
