using FedHealth.Learning.Data;
using FedHealth.Messaging;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace FedHealth.Sites;

/// <summary>The site agent as a hospital runs it: `run --config site.json [--Bus:Transport=RabbitMq --Bus:Uri=amqp://...]`.</summary>
public static class SiteAgentProgram
{
    public const string Usage = "usage: run --config SITE.json [--Bus:Transport=RabbitMq] [--Bus:Uri=amqp://user:pass@host:5672/]";

    public static async Task<int> RunAsync(string[] args)
    {
        if (args.Length < 3 || args[0] != "run" || args[1] != "--config")
        {
            await Console.Error.WriteLineAsync(Usage);
            return 2;
        }
        var settings = args[3..];
        var builder = Host.CreateApplicationBuilder(settings);
        builder.Configuration.AddEnvironmentVariables("FEDHEALTH_");
        builder.Configuration.AddCommandLine(settings);
        var bus = builder.Configuration.GetSection("Bus").Get<BusOptions>() ?? new BusOptions();
        using var loggers = LoggerFactory.Create(l => l.AddSimpleConsole(o => o.SingleLine = true));
        SiteAgent agent;
        try
        {
            bus.Validate();
            agent = SiteAgent.Start(SiteConfigFile.Load(args[2]), loggers.CreateLogger("FedHealth.SiteAgent"));
        }
        catch (Exception e) when (e is DataException or ArgumentException or InvalidOperationException)
        {
            await Console.Error.WriteLineAsync($"error: {e.Message}");
            return 1;
        }
        if (await QuorumQueueCheck.Problem(bus, [EndpointNames.Site(agent.Id)]) is { } problem)
        {
            await Console.Error.WriteLineAsync($"error: {problem}");
            return 2;
        }
        IReadOnlyList<SiteAgent> agents = [agent];
        builder.Services.AddSiteAgents(agents);
        builder.Services.AddFederationBus(bus, _ => { }, (context, cfg) => SiteAgentComponent.ConfigureEndpoints(context, cfg, agents));
        await builder.Build().RunAsync();
        return 0;
    }
}
