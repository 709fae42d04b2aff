using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace FedHealth.Monitoring;

/// <summary>
/// Sends this process's spans (<see cref="FederationTracing"/>) to an OpenTelemetry collector over OTLP, when
/// Monitoring:OtlpEndpoint names one.
/// </summary>
public sealed class TraceExporter(MonitoringOptions options, string role, ILogger<TraceExporter> log) : IHostedService
{
    private TracerProvider? provider;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        var endpoint = options.OtlpEndpointUri()!;
        provider = Sdk.CreateTracerProviderBuilder()
            .ConfigureResource(r => r.AddService($"fedhealth-{role}"))
            .AddSource(FederationTracing.SourceName)
            .AddOtlpExporter(o =>
            {
                o.Endpoint = endpoint;
                o.Protocol = options.OtlpProtocol == "http" ? OtlpExportProtocol.HttpProtobuf : OtlpExportProtocol.Grpc;
            })
            .Build();
        log.LogInformation("{Role}: traces to {Endpoint} (OTLP {Protocol})", role, endpoint, options.OtlpProtocol);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        provider?.Dispose();
        return Task.CompletedTask;
    }
}
