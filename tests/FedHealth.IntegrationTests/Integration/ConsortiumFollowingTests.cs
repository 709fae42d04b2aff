using FedHealth.Contracts;
using FedHealth.Messaging;
using FedHealth.SiteAgent;
using FedHealth.Tests.Support;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace FedHealth.Tests.Integration;

/// <summary>
/// Running sites follow the consortium file, over a real RabbitMQ with TLS and certificate logins, each hospital enrolled
/// as its IT would: a site enrolled after another holds a bundle that does not know the later one, yet learns it from
/// the coordinator (CA-signed, newer only); and a running site rotates its identity key (`enroll request --rotate`,
/// `provision site`) with no restart, the coordinator and the other sites verifying it by the new key from then on.
/// </summary>
[Collection(TlsRabbitMqCollection.Name)]
public sealed class ConsortiumFollowingTests(TlsRabbitMqBroker broker, ITestOutputHelper log) : IDisposable
{
    private static readonly string[] SiteIds = ["DE-GBSG", "NL-ROTTERDAM-A", "NL-ROTTERDAM-B"];
    private readonly TempFolder temp = new();
    private readonly List<DeployableProcess> processes = [];

    [Fact]
    public async Task Sites_learn_a_later_enrolment_and_a_rotated_key_while_they_run_and_secure_jobs_complete_before_and_after()
    {
        var consortium = Path.Combine(temp.Path, "consortium");
        var consortiumFile = Path.Combine(consortium, "consortium.json");
        Assert.Equal(0, await CliRunner.Run("provision", "keys", "--out", consortium));
        var configs = new Dictionary<string, string>();
        foreach (var id in SiteIds)
        {
            configs[id] = EnrollingSite.Config(id, Path.Combine(temp.Path, id.ToLowerInvariant()));
            await Enrol(id, configs[id], consortiumFile, rotate: false);
            var (userCode, userOutput) = broker.Script("add-site-user.sh", id);
            Assert.True(userCode == 0, userOutput);
        }
        // The first site's bundle was issued before the others enrolled: its file knows itself alone.
        var firstFile = FedHealth.Privacy.Crypto.ConsortiumTrust.Load(Path.Combine(temp.Path, "de-gbsg", "enrolment", "consortium.json"));
        Assert.Equal([SiteIds[0]], firstFile.Sites.Keys);

        var coordinator = Start("coordinator", "FedHealth.Coordinator.dll",
            $"--Bus:Transport={BusOptions.RabbitMq}", $"--Bus:Uri={broker.TlsUri.Replace("127.0.0.1", "localhost")}", $"--Bus:CaFile={broker.CaFile}",
            $"--Coordinator:ConsortiumFile={consortiumFile}", $"--Coordinator:KeyFile={Path.Combine(consortium, "coordinator-key.pem")}",
            $"--Coordinator:SigningKeyFile={Path.Combine(consortium, "coordinator-signing-key.pem")}", $"--Coordinator:ConsortiumCaFile={broker.CaFile}",
            "--Coordinator:ConsortiumCheckInterval=00:00:01", $"--Coordinator:DataDir={Path.Combine(temp.Path, "coordinator")}");
        await Logged(coordinator, "job index ready", "the coordinator to start over amqps");
        var sites = SiteIds.ToDictionary(id => id, id => Start(id, "FedHealth.SiteAgent.dll", "run", "--config", configs[id]));

        // The first two sites' heartbeats show versions 2 and 3; the coordinator relays the current file, and they take it.
        foreach (var behind in SiteIds[..2])
            await Logged(sites[behind], $"consortium file version {firstFile.Version + 2} taken: 3 sites registered",
                $"{behind} to take the file that registers the later sites");

        await using var dashboard = await DashboardBus.Start(broker, consortium);
        await dashboard.SitesOnline(3);
        Assert.Equal("completed", (await dashboard.Run(Spec("before the rotation"))).Status);

        // NL-ROTTERDAM-B rotates its identity key while it runs.
        var rotating = SiteIds[2];
        await Enrol(rotating, configs[rotating], consortiumFile, rotate: true);
        await Logged(coordinator, $"consortium file version {firstFile.Version + 3} taken", "the coordinator to take the rotation");
        await Logged(sites[rotating], "this site now signs with its rotated key", "the rotating site to switch keys");
        foreach (var other in SiteIds[..2])
            await Logged(sites[other], $"consortium file version {firstFile.Version + 3} taken", $"{other} to take the rotated key");
        Assert.False(File.Exists(Path.Combine(temp.Path, rotating.ToLowerInvariant(), "enrolment", "identity-key.next.pem")));

        // Signed by the new key only, yet heard by the coordinator and verified by both other sites in a secure round.
        var after = await dashboard.Run(Spec("after the rotation"));
        Assert.Equal("completed", after.Status);
        Assert.All(after.Rounds, r => Assert.Contains(rotating, r.Contributors));
        Assert.DoesNotContain("refused a message", sites[SiteIds[0]].Output + sites[SiteIds[1]].Output);
    }

    private static JobSpec Spec(string name) => ProcessFederation.BreastPrognosis(rounds: 1, deadline: TimeSpan.FromSeconds(30)) with { Name = name };

    /// <summary>`enroll request [--rotate]`, the consortium's `provision site`, then `enroll BUNDLE`, as the two sides run them.</summary>
    private async Task Enrol(string id, string config, string consortiumFile, bool rotate)
    {
        var (code, output) = await EnrollingSite.Enroll(rotate ? ["request", "--config", config, "--rotate"] : ["request", "--config", config]);
        Assert.True(code == 0, output);
        var folder = Path.Combine(Path.GetDirectoryName(config)!, "enrolment");
        var bundle = Path.Combine(temp.Path, $"{id}.bundle.json");
        Assert.Equal(0, await CliRunner.Run("provision", "site", "--ca", broker.CaFolder, "--consortium", consortiumFile,
            "--request", Path.Combine(folder, $"{id}.enrolment-request.json"), "--broker", $"amqps://localhost:{TlsRabbitMqBroker.TlsPort}/", "--out", bundle));
        (code, output) = await EnrollingSite.Enroll([bundle, "--config", config]);
        Assert.True(code == 0, output);
    }

    private DeployableProcess Start(string name, string assembly, params string[] args)
    {
        var process = new DeployableProcess(name, assembly, args);
        processes.Add(process);
        return process;
    }

    private static Task Logged(DeployableProcess process, string text, string what) => Eventually.Get(
        () => Task.FromResult(process.HasExited ? throw new InvalidOperationException($"{process.Name} exited:\n{process.Output}")
            : process.Output.Contains(text) ? "yes" : null),
        TimeSpan.FromSeconds(90), what);

    public void Dispose()
    {
        foreach (var p in processes)
        {
            var output = p.Output;
            log.WriteLine($"--- {p.Name}{(p.HasExited ? " (exited)" : "")} ---\n{(output.Length > 6000 ? output[^6000..] : output)}");
            p.Dispose();
        }
        temp.Dispose();
    }

    /// <summary>The test's own bus over amqps, acting as the consortium's dashboard (its key): creates jobs and reads the coordinator's status.</summary>
    private sealed class DashboardBus(ServiceProvider provider) : IAsyncDisposable
    {
        public static async Task<DashboardBus> Start(TlsRabbitMqBroker broker, string consortium)
        {
            var services = new ServiceCollection();
            services.AddDashboardKey(consortium);
            services.AddFederationBus(
                new BusOptions { Transport = BusOptions.RabbitMq, Uri = broker.TlsUri.Replace("127.0.0.1", "localhost"), CaFile = broker.CaFile },
                x => CoordinatorClients.Register(x, BusOptions.RabbitMq), (_, _) => { });
            var provider = services.BuildServiceProvider();
            await provider.GetRequiredService<IBusControl>().StartAsync(new CancellationTokenSource(TimeSpan.FromSeconds(60)).Token);
            return new DashboardBus(provider);
        }

        private Task<FederationStatus> Status(Func<FederationStatus, bool> until, TimeSpan within, string what) => Eventually.Get(async () =>
        {
            var status = (await provider.GetRequiredService<IRequestClient<GetFederationStatus>>()
                .GetResponse<FederationStatus>(new GetFederationStatus())).Message;
            return until(status) ? status : null;
        }, within, what);

        public Task SitesOnline(int count) => Status(s => s.Sites.Count(x => x.Online) == count, TimeSpan.FromSeconds(90), $"{count} sites online");

        public async Task<JobSummary> Run(JobSpec spec)
        {
            var answer = await provider.GetRequiredService<IRequestClient<CreateJob>>()
                .GetResponse<JobAccepted, JobRefused>(new CreateJob { Spec = spec, RequestId = Guid.NewGuid() });
            if (answer.Is(out Response<JobRefused>? refused)) throw new InvalidOperationException($"job '{spec.Name}' refused: {refused.Message.Reason}");
            Assert.True(answer.Is(out Response<JobAccepted>? accepted));
            var id = accepted.Message.JobId;
            await Status(s => s.Jobs.Any(j => j.JobId == id && j.Status is "completed" or "failed"), TimeSpan.FromSeconds(180),
                $"job '{spec.Name}' to end");
            return (await provider.GetRequiredService<IRequestClient<GetJob>>().GetResponse<JobSummary>(new GetJob { JobId = id })).Message;
        }

        public async ValueTask DisposeAsync()
        {
            await provider.GetRequiredService<IBusControl>().StopAsync();
            await provider.DisposeAsync();
        }
    }
}
