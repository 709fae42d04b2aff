using FedHealth.Learning.Data;
using FedHealth.Messaging;
using FedHealth.Monitoring;
using FedHealth.SiteAgent.Doctor;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace FedHealth.SiteAgent;

/// <summary>The site agent as a hospital runs it: `run --config site.json [--Bus:Transport=RabbitMq --Bus:Uri=amqp://...]`.</summary>
public static class SiteAgentProgram
{
    public const string Usage = """
        usage: init --out DIR [--site-id ID] [--jurisdiction CC]   (commented site.json and policy.json to fill in)
               enroll request --config SITE.json [--rotate]         (this site's keys and the request to send the consortium; --rotate: a new identity key)
               enroll BUNDLE --config SITE.json [--ca-fingerprint SHA256]  (installs the consortium's answer)
               doctor --config SITE.json [--Bus:...]                (checks the setup; exit 1 if anything fails)
               run --config SITE.json [--Bus:...]                   (Bus settings come from the enrolment; --Bus:Key=value overrides)
               bench --config SITE.json [--model mlp] [--epochs N]  (trains on this site's data on the CPU and on CUDA if present; compares)
        """;

    public static async Task<int> RunAsync(string[] args)
    {
        if (args is ["init", .. var initArgs]) return await Init(initArgs);
        if (args is ["bench", .. var benchArgs]) return await Bench.BenchCommand.RunAsync(benchArgs, Console.Out, Console.Error);
        if (args is ["enroll", .. var enrollArgs]) return await EnrollCommand.RunAsync(enrollArgs, Console.Out, Console.Error);
        if (args is ["doctor", "--config", var doctorConfig, .. var doctorSettings])
            return await SiteDoctor.RunAsync(doctorConfig, SiteBusSettings.For(doctorConfig, doctorSettings), Console.Out);
        if (args.Length < 3 || args[0] != "run" || args[1] != "--config")
        {
            await Console.Error.WriteLineAsync(Usage);
            return 2;
        }
        var settings = args[3..];
        var builder = Host.CreateApplicationBuilder(settings);
        builder.Configuration.AddEnvironmentVariables("FEDHEALTH_");
        builder.Configuration.AddCommandLine(settings);
        builder.Logging.AddFedHealthConsole();
        var bus = SiteBusSettings.For(args[2], settings);
        using var loggers = LoggerFactory.Create(l => l.AddFedHealthConsole());
        Agent agent;
        try
        {
            bus.Validate();
            agent = Agent.Start(SiteConfigFile.Load(args[2]), loggers.CreateLogger("FedHealth.SiteAgent"));
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
        IReadOnlyList<Agent> agents = [agent];
        builder.Services.AddSiteAgents(agents);
        builder.Services.AddMonitoring(builder.Configuration.MonitoringOptions(), "site");
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
            await Console.Out.WriteLineAsync(
                $"wrote {string.Join(" and ", files)}: fill in the REPLACE values and jurisdiction, then run doctor --config {files[0]}");
            return 0;
        }
        catch (Exception e) when (e is InvalidOperationException or IOException or UnauthorizedAccessException)
        {
            await Console.Error.WriteLineAsync($"error: {e.Message}");
            return 1;
        }
    }
}
