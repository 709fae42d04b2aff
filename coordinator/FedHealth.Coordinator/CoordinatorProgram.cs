using FedHealth.Coordinator.Hosting;
using FedHealth.Messaging;
using FedHealth.Monitoring;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace FedHealth.Coordinator;

/// <summary>The coordinator as its own process. Settings: appsettings.json, FEDHEALTH_* variables, --Section:Key=value arguments.</summary>
public static class CoordinatorProgram
{
    public static async Task<int> RunAsync(string[] args)
    {
        var builder = Host.CreateApplicationBuilder(args);
        builder.Configuration.AddEnvironmentVariables("FEDHEALTH_");
        builder.Configuration.AddCommandLine(args);
        builder.Logging.AddFedHealthConsole();
        var coordinator = builder.Configuration.GetSection("Coordinator").Get<CoordinatorOptions>() ?? new CoordinatorOptions();
        var bus = builder.Configuration.GetSection("Bus").Get<BusOptions>() ?? new BusOptions();
        try
        {
            bus.Validate();
            coordinator.JournalConnectionString();
        }
        catch (ArgumentException e)
        {
            await Console.Error.WriteLineAsync($"error: {e.Message}");
            return 2;
        }
        if (await QuorumQueueCheck.Problem(bus, [EndpointNames.Coordinator]) is { } problem)
        {
            await Console.Error.WriteLineAsync($"error: {problem}");
            return 2;
        }
        builder.Services.AddCoordinator(coordinator);
        builder.Services.AddMonitoring(builder.Configuration.MonitoringOptions(), "coordinator");
        builder.Services.AddFederationBus(bus, CoordinatorComponent.RegisterConsumers, CoordinatorComponent.ConfigureEndpoints);
        await builder.Build().RunAsync();
        return 0;
    }
}
