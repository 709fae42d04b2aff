using FedHealth.Learning.Data;
using FedHealth.Messaging;
using FedHealth.Sites.Doctor;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace FedHealth.Sites;

/// <summary>The site agent as a hospital runs it: `run --config site.json [--Bus:Transport=RabbitMq --Bus:Uri=amqp://...]`.</summary>
public static class SiteAgentProgram
{
    public const string Usage = """
        usage: run --config SITE.json [--Bus:Transport=RabbitMq] [--Bus:Uri=amqp://user:pass@host:5672/]
               init --out DIR [--site-id ID] [--jurisdiction CC]   (commented site.json and policy.json to fill in)
               doctor --config SITE.json [--Bus:...]                (checks the setup; exit 1 if anything fails)
        """;

    public static async Task<int> RunAsync(string[] args)
    {
        if (args is ["init", .. var initArgs]) return await Init(initArgs);
        if (args is ["doctor", "--config", var doctorConfig, .. var doctorSettings])
        {
            var doctorBus = new ConfigurationBuilder().AddEnvironmentVariables("FEDHEALTH_").AddCommandLine(doctorSettings).Build()
                .GetSection("Bus").Get<BusOptions>() ?? new BusOptions();
            return await SiteDoctor.RunAsync(doctorConfig, doctorBus, Console.Out);
        }
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

    private static async Task<int> Init(string[] args)
    {
        var options = new ConfigurationBuilder().AddCommandLine(args, new Dictionary<string, string>
        {
            ["--out"] = "out", ["--site-id"] = "siteId", ["--jurisdiction"] = "jurisdiction",
        }).Build();
        if (options["out"] is not { Length: > 0 } outDir || args.Length % 2 != 0)
        {
            await Console.Error.WriteLineAsync(Usage);
            return 2;
        }
        try
        {
            var files = SiteTemplates.Write(outDir, options["siteId"] ?? "REPLACE-SITE-ID", options["jurisdiction"] ?? "XX");
            await Console.Out.WriteLineAsync($"wrote {string.Join(" and ", files)}: fill in the REPLACE values and jurisdiction, then run doctor --config {files[0]}");
            return 0;
        }
        catch (Exception e) when (e is InvalidOperationException or IOException or UnauthorizedAccessException)
        {
            await Console.Error.WriteLineAsync($"error: {e.Message}");
            return 1;
        }
    }
}
