using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using System.Text.Json.Serialization;
using FedHealth.Contracts;
using FedHealth.Messaging;
using Xunit.Abstractions;

namespace FedHealth.Tests.Support;

/// <summary>
/// The production shape on one machine: a coordinator process, site-agent processes and a dashboard process,
/// provisioned with keys as a user would and talking only through a real RabbitMQ broker.
/// </summary>
public sealed class ProcessFederation : IDisposable
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals };
    private readonly List<DeployableProcess> processes = new();
    private readonly ITestOutputHelper log;

    public HttpClient Http { get; }
    public int Port { get; } = FreePort();

    public ProcessFederation(RabbitMqBroker broker, string folder, IReadOnlyList<string> sites, ITestOutputHelper log)
    {
        this.log = log;
        var bus = new[] { $"--Bus:Transport={BusOptions.RabbitMq}", $"--Bus:Uri={broker.Uri}" };
        var consortium = new TestConsortium(folder, sites.Select(s => $"{s.ToLowerInvariant()}.json"));
        Start("coordinator", "FedHealth.Coordinator.dll", [.. bus, $"--Coordinator:DataDir={folder}",
            $"--Coordinator:ConsortiumFile={consortium.ConsortiumFile}", $"--Coordinator:KeyFile={consortium.CoordinatorKeyFile}"]);
        foreach (var site in sites)
            Start(site, "FedHealth.SiteAgent.dll", ["run", "--config", consortium.SiteConfig(site), .. bus]);
        Start("dashboard", "FedHealth.Dashboard.dll", [.. bus, "--urls", $"http://127.0.0.1:{Port}"]);
        Http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{Port}"), Timeout = TimeSpan.FromSeconds(30) };
    }

    public Task<FederationStatus> SitesOnline(int count) => Eventually.Get(async () =>
    {
        var status = await Http.GetFromJsonAsync<FederationStatus>("/api/status", Json);
        return status!.Sites.Count(s => s.Online) == count ? status : null;
    }, TimeSpan.FromSeconds(120), $"{count} sites online at the coordinator, seen through the dashboard");

    public Task<JobSummary> Job(Guid id, Func<JobSummary, bool> until, TimeSpan within, string what) => Eventually.Get(async () =>
    {
        var job = await Http.GetFromJsonAsync<JobSummary>($"/api/jobs/{id}", Json);
        return job is not null && until(job) ? job : null;
    }, within, what);

    public static JobSpec BreastPrognosis(int rounds, TimeSpan deadline) => new()
    {
        Name = "integration", Schema = "breast-prognosis", FeatureNames = ["age", "meno", "size", "grade", "nodes", "pgr", "er", "hormon"],
        Model = new ModelSpec { Kind = "logistic", Features = 8 }, Rounds = rounds, MinSites = 3, RoundDeadline = deadline, Seed = 3,
    };

    private void Start(string name, string assembly, string[] args) => processes.Add(new DeployableProcess(name, assembly, args));

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public void Dispose()
    {
        foreach (var p in processes)
        {
            var output = p.Output;
            log.WriteLine($"--- {p.Name}{(p.HasExited ? " (exited)" : "")} ---\n{(output.Length > 3000 ? output[^3000..] : output)}");
            p.Dispose();
        }
        Http.Dispose();
    }
}
