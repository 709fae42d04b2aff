using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace FedHealth.Monitoring;

public static class MonitoringRegistration
{
    /// <summary>
    /// The bus's byte counts, the trace context on every published message, and the health checks every deployable
    /// has; the scrape and health listener only when <paramref name="options"/> names a port, the trace exporter only
    /// when it names an OTLP endpoint. Call once per process (a local federation is one process).
    /// </summary>
    public static IServiceCollection AddMonitoring(this IServiceCollection services, MonitoringOptions options, string role)
    {
        services.AddHealthChecks();
        services.AddConsumeObserver<BusMetricsObserver>();
        services.AddPublishObserver<BusMetricsObserver>();
        services.AddPublishObserver<TracePropagationObserver>();
        if (options.OtlpEndpointUri() is not null)
            services.AddHostedService(sp => new TraceExporter(options, role, sp.GetRequiredService<ILogger<TraceExporter>>()));
        if (options.Port is not { } port) return services;
        if (port is < 1 or > 65535) throw new ArgumentException($"Monitoring:Port {port} is not a TCP port (1-65535)");
        services.AddHostedService(sp => new MonitoringServer(options, sp, role, sp.GetRequiredService<ILogger<MonitoringServer>>()));
        return services;
    }

    /// <summary>The <c>Monitoring</c> section of a deployable's configuration (off when it names no port).</summary>
    public static MonitoringOptions MonitoringOptions(this IConfiguration configuration) =>
        configuration.GetSection("Monitoring").Get<MonitoringOptions>() ?? new MonitoringOptions();
}
