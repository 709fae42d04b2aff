using FedHealth.Monitoring;
using FedHealth.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;

namespace FedHealth.Tests.Integration;

/// <summary>With Monitoring:OtlpEndpoint set, a deployable's spans reach an OTLP/HTTP receiver, named by the deployable.</summary>
public sealed class TraceExportTests
{
    [Fact]
    public async Task Spans_go_to_the_configured_collector_as_otlp_protobuf_named_by_the_deployable()
    {
        await using var collector = new OtlpCollector();
        await collector.StartAsync();
        var exporter = new TraceExporter(new MonitoringOptions { OtlpEndpoint = collector.TracesUrl, OtlpProtocol = "http" }, "coordinator",
            NullLogger<TraceExporter>.Instance);
        await exporter.StartAsync(CancellationToken.None);
        string traceId;
        using (var round = FederationTracing.StartRoot("round", ("fedhealth.job", "j-1"), ("fedhealth.round", 7)))
        {
            traceId = round!.TraceId.ToHexString();
            using var child = FederationTracing.StartChild(round, "coordinator fold update", ("fedhealth.site", "DE-GBSG"));
        }
        // Stopping flushes what is batched: the spans are sent before StopAsync returns.
        await exporter.StopAsync(CancellationToken.None);

        var spans = collector.Spans;
        Assert.Equal(2, spans.Count);
        Assert.All(spans, s => Assert.Equal(("fedhealth-coordinator", traceId), (s.Service, s.TraceId)));
        var root = Assert.Single(spans, s => s.Name == "round");
        Assert.Equal("", root.ParentSpanId);
        Assert.Equal(("j-1", "7"), (root.Attributes["fedhealth.job"], root.Attributes["fedhealth.round"]));
        var fold = Assert.Single(spans, s => s.Name == "coordinator fold update");
        Assert.Equal((root.SpanId, "DE-GBSG"), (fold.ParentSpanId, fold.Attributes["fedhealth.site"]));
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
