using FedHealth.Messaging;
using FedHealth.Monitoring;

namespace FedHealth.Dashboard;

/// <summary>The dashboard as its own process: `--urls http://127.0.0.1:5080 --Bus:Transport=RabbitMq`.</summary>
public static class DashboardProgram
{
    public static WebApplication Build(string[] args)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
        builder.Configuration.AddEnvironmentVariables("FEDHEALTH_");
        builder.Configuration.AddCommandLine(args);
        builder.Logging.AddFedHealthConsole();
        var bus = builder.Configuration.GetSection("Bus").Get<BusOptions>() ?? new BusOptions();
        var instance = $"{Environment.MachineName}-{Environment.ProcessId}";
        builder.Services.AddDashboard(builder.Configuration);
        builder.Services.AddMonitoring(builder.Configuration.MonitoringOptions(), "dashboard");
        builder.Services.AddFederationBus(bus, x => { DashboardComponent.RegisterConsumers(x); CoordinatorClients.Register(x, bus.Transport); },
            (context, cfg) => DashboardComponent.ConfigureEndpoints(context, cfg, instance));
        var app = builder.Build();
        app.MapDashboard();
        return app;
    }

    public static async Task<int> RunAsync(string[] args)
    {
        await Build(args).RunAsync();
        return 0;
    }
}
