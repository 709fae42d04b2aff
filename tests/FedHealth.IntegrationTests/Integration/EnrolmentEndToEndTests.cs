using FedHealth.Contracts;
using FedHealth.Messaging;
using FedHealth.SiteAgent;
using FedHealth.SiteAgent.Doctor;
using FedHealth.Tests.Support;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace FedHealth.Tests.Integration;

/// <summary>
/// A hospital joins as its IT would, against a real RabbitMQ with TLS: `enroll request`, the consortium's
/// `provision site`, the broker operator's add-site-user.sh, `enroll BUNDLE`, `doctor`, then `run` with no broker
/// settings on the command line; the coordinator hears the site over amqps, the site logged in by certificate only.
/// </summary>
[Collection(TlsRabbitMqCollection.Name)]
public sealed class EnrolmentEndToEndTests(TlsRabbitMqBroker broker, ITestOutputHelper log) : IDisposable
{
    private const string SiteId = "DE-GBSG";
    private readonly TempFolder temp = new();

    [Fact]
    public async Task A_site_enrols_passes_doctor_and_runs_over_amqps_logging_in_with_its_certificate()
    {
        // The consortium: its keys (no site yet), its CA is the broker's (TlsRabbitMqBroker made both with the CLI).
        var consortium = Path.Combine(temp.Path, "consortium");
        Assert.Equal(0, await CliRunner.Run("provision", "keys", "--out", consortium));

        // The hospital: its config names an enrolment folder; `enroll request` makes the keys and the request.
        var siteConfig = EnrollingSite.Config(SiteId, Path.Combine(temp.Path, "hospital"));
        var (code, output) = await EnrollingSite.Enroll("request", "--config", siteConfig);
        Assert.Equal(0, code);
        var request = Path.Combine(temp.Path, "hospital", "enrolment", $"{SiteId}.enrolment-request.json");
        Assert.Contains(request, output);

        // The consortium answers it.
        var bundle = Path.Combine(temp.Path, $"{SiteId}.bundle.json");
        Assert.Equal(0, await CliRunner.Run("provision", "site", "--ca", broker.CaFolder, "--consortium", Path.Combine(consortium, "consortium.json"),
            "--request", request, "--broker", $"amqps://localhost:{TlsRabbitMqBroker.TlsPort}/", "--out", bundle));

        // Installed, but the broker has no user for the site yet: doctor says so and what the operator must run.
        (code, output) = await EnrollingSite.Enroll(bundle, "--config", siteConfig);
        Assert.Equal(0, code);
        Assert.Contains("enrolled DE-GBSG", output);
        var (doctorCode, lines) = await Doctor(siteConfig);
        log.WriteLine(string.Join('\n', lines));
        Assert.Equal(1, doctorCode);
        Assert.Contains(lines, l => l.StartsWith("PASS certificates: client certificate for DE-GBSG"));
        Assert.Contains(lines, l => l.StartsWith("FAIL broker:") && l.Contains("refused user 'DE-GBSG (certificate login)'"));
        Assert.Contains(lines, l => l.Contains("fix: ask the consortium's broker operator to run infra/rabbitmq/add-site-user.sh DE-GBSG"));

        var (userCode, userOutput) = broker.Script("add-site-user.sh", SiteId);
        Assert.True(userCode == 0, userOutput);

        // The coordinator loads the consortium file that now registers the site, and listens over amqps.
        using var coordinator = new DeployableProcess("coordinator", "FedHealth.Coordinator.dll",
            $"--Bus:Transport={BusOptions.RabbitMq}", $"--Bus:Uri={broker.TlsUri.Replace("127.0.0.1", "localhost")}", $"--Bus:CaFile={broker.CaFile}",
            $"--Coordinator:ConsortiumFile={Path.Combine(consortium, "consortium.json")}",
                $"--Coordinator:KeyFile={Path.Combine(consortium, "coordinator-key.pem")}",
            $"--Coordinator:SigningKeyFile={Path.Combine(consortium, "coordinator-signing-key.pem")}",
            $"--Coordinator:DataDir={Path.Combine(temp.Path, "coordinator")}");
        await Eventually.Get(() => Task.FromResult(coordinator.HasExited ? throw new InvalidOperationException(coordinator.Output)
            : coordinator.Output.Contains("job index ready") ? "up" : null),
            TimeSpan.FromSeconds(90), "the coordinator to start over amqps");

        (doctorCode, lines) = await Doctor(siteConfig);
        log.WriteLine(string.Join('\n', lines));
        Assert.Contains(lines, l => l.StartsWith($"PASS broker: connected to localhost:{TlsRabbitMqBroker.TlsPort} as DE-GBSG (certificate login)"));
        Assert.Contains(lines, l => l.StartsWith("PASS identity: site DE-GBSG is registered"));
        Assert.Contains(lines, l => l.StartsWith("PASS coordinator clock: this machine's clock is"));
        Assert.DoesNotContain(lines, l => l.StartsWith("FAIL"));
        Assert.Equal(0, doctorCode);

        // `run` with nothing but the config: the bus comes from the enrolment, and the coordinator hears the site.
        using var site = new DeployableProcess(SiteId, "FedHealth.SiteAgent.dll", "run", "--config", siteConfig);
        var status = await CoordinatorStatus(consortium, until: s => s.Sites.Any(x => x.LastHeartbeat.SiteId == SiteId && x.Online), site);
        Assert.Equal("DE", status.Sites.Single(x => x.LastHeartbeat.SiteId == SiteId).LastHeartbeat.Jurisdiction);
    }

    [Fact]
    public async Task Without_an_enrolment_a_site_cannot_run_on_plain_amqp_unless_development_mode_allows_it()
    {
        var siteConfig = EnrollingSite.Config(SiteId, Path.Combine(temp.Path, "dev"));
        var (code, lines) = await Doctor(siteConfig, $"--Bus:Transport={BusOptions.RabbitMq}",
            $"--Bus:Uri=amqp://guest:guest@127.0.0.1:{TlsRabbitMqBroker.Port}/");
        Assert.Equal(1, code);
        Assert.Contains(lines, l => l.StartsWith("FAIL broker:") && l.Contains("plain AMQP") && l.Contains("Bus:AllowPlainAmqp=true"));

        (code, lines) = await Doctor(siteConfig, $"--Bus:Transport={BusOptions.RabbitMq}", $"--Bus:Uri=amqp://guest:guest@127.0.0.1:{TlsRabbitMqBroker.Port}/",
            "--Bus:AllowPlainAmqp=true");
        Assert.Contains(lines, l => l.StartsWith($"PASS broker: connected to 127.0.0.1:{TlsRabbitMqBroker.Port} as guest"));
        Assert.Contains(lines, l => l.StartsWith("WARN certificates: Bus:Uri is not amqps://"));
    }

    private static async Task<(int Code, string[] Lines)> Doctor(string config, params string[] settings)
    {
        using var output = new StringWriter();
        var code = await SiteDoctor.RunAsync(config, SiteBusSettings.For(config, settings), output);
        return (code, output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
    }

    /// <summary>Asks the coordinator over amqps, as the dashboard does, until its status satisfies <paramref name="until"/>.</summary>
    private async Task<FederationStatus> CoordinatorStatus(string consortium, Func<FederationStatus, bool> until, DeployableProcess site)
    {
        var services = new ServiceCollection();
        // Only the dashboard may query the coordinator: the test asks as the consortium's dashboard would.
        services.AddDashboardKey(consortium);
        services.AddFederationBus(
            new BusOptions { Transport = BusOptions.RabbitMq, Uri = broker.TlsUri.Replace("127.0.0.1", "localhost"), CaFile = broker.CaFile },
            x => CoordinatorClients.Register(x, BusOptions.RabbitMq), (_, _) => { });
        await using var provider = services.BuildServiceProvider();
        var control = provider.GetRequiredService<IBusControl>();
        await control.StartAsync(new CancellationTokenSource(TimeSpan.FromSeconds(60)).Token);
        try
        {
            var client = provider.GetRequiredService<IRequestClient<GetFederationStatus>>();
            return await Eventually.Get(async () =>
            {
                if (site.HasExited) throw new InvalidOperationException($"the site agent exited:\n{site.Output}");
                var status = (await client.GetResponse<FederationStatus>(new GetFederationStatus { JobsLimit = 0 })).Message;
                return until(status) ? status : null;
            }, TimeSpan.FromSeconds(90), "the coordinator to hear the enrolled site over amqps");
        }
        finally
        {
            log.WriteLine(site.Output);
            await control.StopAsync();
        }
    }

    public void Dispose() => temp.Dispose();
}
