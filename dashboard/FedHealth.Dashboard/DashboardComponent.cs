using Microsoft.Extensions.FileProviders;
using System.Text.Json.Serialization;
using FedHealth.Dashboard.Security;
using FedHealth.Messaging;
using MassTransit;

namespace FedHealth.Dashboard;

/// <summary>Wires the dashboard into a web host: SignalR, JSON options, its own event queue, the API and the page.</summary>
public static class DashboardComponent
{
    public static IServiceCollection AddDashboard(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddDashboardSecurity(configuration);
        DashboardSigning.Add(services, configuration);
        // A body that does not bind throws, so ApiErrors can name the field instead of answering an empty 400.
        services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        services.AddSignalR().AddJsonProtocol(o => o.PayloadSerializerOptions.NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals);
        services.ConfigureHttpJsonOptions(o => o.SerializerOptions.NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals);
        return services;
    }

    /// <summary>The dashboard's consumer; callers also register <see cref="CoordinatorClients"/> once on the bus.</summary>
    public static void RegisterConsumers(IBusRegistrationConfigurator x)
    {
        x.AddConsumer<FederationEventsConsumer>();
    }

    /// <summary>Each dashboard instance has its own queue so each gets every event; it is removed when the instance stops.</summary>
    public static void ConfigureEndpoints(IBusRegistrationContext context, IBusFactoryConfigurator cfg, string instance) =>
        cfg.ReceiveEndpoint(EndpointNames.Dashboard(instance), e =>
        {
            if (e is IRabbitMqReceiveEndpointConfigurator rabbit) { rabbit.AutoDelete = true; rabbit.Durable = false; }
            e.ConfigureConsumer<FederationEventsConsumer>(context);
        });

    public static WebApplication MapDashboard(this WebApplication app)
    {
        var page = new EmbeddedFileProvider(typeof(DashboardComponent).Assembly, "FedHealth.Dashboard.wwwroot");
        // First: everything after it (redirect addresses, per-address limits, logs) sees the browser's scheme, host and address.
        app.UseTrustedProxies();
        app.UseApiErrors();
        app.UseSecurityHeaders();
        // The page itself holds no data and no secret: it loads for anyone and asks to sign in; every API call and the hub check the role.
        app.UseDefaultFiles(new DefaultFilesOptions { FileProvider = page });
        app.UseStaticFiles(new StaticFileOptions { FileProvider = page });
        app.UseAuthentication();
        DashboardSessions.UseSessionCheck(app);
        app.UseAuthorization();
        app.UseRateLimiter();
        app.MapHub<FederationHub>(FederationHub.Path).RequireAuthorization(DashboardRoles.ReadPolicy);
        app.MapSessionApi();
        app.MapJobsApi();
        app.MapLedgerApi();
        return app;
    }
}
