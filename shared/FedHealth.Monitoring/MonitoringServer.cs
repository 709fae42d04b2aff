using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;

namespace FedHealth.Monitoring;

/// <summary>
/// A small HTTP listener of its own beside a deployable (coordinator, site agent, dashboard, or a local federation):
/// <c>/metrics</c> in Prometheus's text format (OpenTelemetry: the platform's meter, MassTransit's, ASP.NET Core's and the
/// .NET runtime's), <c>/healthz/live</c> (the process answers) and <c>/healthz/ready</c> (the host's checks tagged
/// "ready": the bus connected, and the coordinator's cluster membership). Its own port, so the dashboard's sign-in rules
/// and a site agent's lack of any web server stay as they are.
/// </summary>
public sealed class MonitoringServer(MonitoringOptions options, IServiceProvider host, string role, ILogger<MonitoringServer> log) : IHostedService
{
    private WebApplication? app;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls($"http://{options.Host}:{options.Port}");
        builder.Logging.ClearProviders();
        builder.Services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService($"fedhealth-{role}"))
            .WithMetrics(metrics => metrics
                .AddMeter(FederationMetrics.MeterName, "MassTransit", "Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Server.Kestrel")
                .AddRuntimeInstrumentation()
                .AddPrometheusExporter());
        app = builder.Build();
        app.MapPrometheusScrapingEndpoint("/metrics");
        app.MapGet("/healthz/live", () => Results.Json(new { status = "live", role }));
        app.MapGet("/healthz/ready", async (CancellationToken cancel) =>
        {
            if (host.GetService<HealthCheckService>() is not { } health) return Results.Json(new { status = "ready", role });
            var report = await health.CheckHealthAsync(check => check.Tags.Contains("ready"), cancel);
            var checks = report.Entries.ToDictionary(e => e.Key, e => new { status = e.Value.Status.ToString(), e.Value.Description });
            return Results.Json(new { status = report.Status == HealthStatus.Healthy ? "ready" : "not ready", role, checks },
                statusCode: report.Status == HealthStatus.Healthy ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable);
        });
        await app.StartAsync(cancellationToken);
        log.LogInformation("{Role}: metrics on http://{Host}:{Port}/metrics, health on /healthz/live and /healthz/ready", role, options.Host, options.Port);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (app is not null) await app.DisposeAsync();
    }
}
