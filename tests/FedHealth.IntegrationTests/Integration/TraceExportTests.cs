using System.Collections.Concurrent;
using System.Text;
using FedHealth.Monitoring;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace FedHealth.Tests.Integration;

/// <summary>With Monitoring:OtlpEndpoint set, a deployable's spans reach an OTLP/HTTP receiver (here a loopback one that keeps what it gets).</summary>
public sealed class TraceExportTests
{
    [Fact]
    public async Task Spans_go_to_the_configured_collector_as_otlp_protobuf_named_by_the_deployable()
    {
        var received = new ConcurrentQueue<(string ContentType, byte[] Body)>();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        await using var collector = builder.Build();
        collector.MapPost("/v1/traces", async (HttpRequest request) =>
        {
            using var body = new MemoryStream();
            await request.Body.CopyToAsync(body);
            received.Enqueue((request.ContentType ?? "", body.ToArray()));
            return Results.Ok();
        });
        await collector.StartAsync();
        var address = collector.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();

        var options = new MonitoringOptions { OtlpEndpoint = $"{address}/v1/traces", OtlpProtocol = "http" };
        var exporter = new TraceExporter(options, "coordinator", NullLogger<TraceExporter>.Instance);
        await exporter.StartAsync(CancellationToken.None);
        using (FederationTracing.StartRoot("round", ("fedhealth.round", 7))) { }
        // Stopping flushes what is batched: the span is sent before StopAsync returns.
        await exporter.StopAsync(CancellationToken.None);

        var (contentType, payload) = Assert.Single(received);
        Assert.Equal("application/x-protobuf", contentType);
        var text = Encoding.UTF8.GetString(payload);
        Assert.Contains("fedhealth-coordinator", text);
        Assert.Contains("round", text);
        Assert.Contains("fedhealth.round", text);
    }

    [Fact]
    public void An_endpoint_or_protocol_that_is_not_one_is_refused_by_name()
    {
        Assert.Null(new MonitoringOptions().OtlpEndpointUri());
        Assert.Equal("Monitoring:OtlpEndpoint 'collector:4317' is not an http(s) URL of an OpenTelemetry collector",
            Assert.Throws<ArgumentException>(() => new MonitoringOptions { OtlpEndpoint = "collector:4317" }.OtlpEndpointUri()).Message);
        Assert.Equal("Monitoring:OtlpProtocol 'udp' is not grpc or http",
            Assert.Throws<ArgumentException>(() => new MonitoringOptions { OtlpEndpoint = "http://c:4317", OtlpProtocol = "udp" }.OtlpEndpointUri()).Message);
    }
}
