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
    private readonly IReadOnlyDictionary<string, string>? environment;
    /// <summary>The dashboard's process.</summary>
    public DeployableProcess Dashboard { get; }

    public HttpClient Http { get; }
    public int Port { get; } = FreePort();
    public string BaseAddress => $"http://127.0.0.1:{Port}";
    /// <summary>The coordinator nodes, in start order (the first is the first seed).</summary>
    public IReadOnlyList<DeployableProcess> Coordinators => coordinators;
    private readonly List<DeployableProcess> coordinators;
    private readonly string[]? singleCoordinatorArgs;
    public IReadOnlyDictionary<string, DeployableProcess> Sites { get; }

    /// <param name="busSettings">More --Bus:Key=value settings for every process (the chunking limits, say).</param>
    /// <param name="siteBrokerUri">Each site's own broker login, when it has one (else the common one).</param>
    /// <param name="environment">More environment variables for every process.</param>
    /// <param name="coordinatorSettings">More --Coordinator:Key=value settings for every coordinator node.</param>
    /// <param name="nodeSettings">More settings for the cluster's node i (0-based), e.g. its own remoting certificate.</param>
    /// <param name="monitoring">Every process serves /metrics and /healthz on a port of its own (<see cref="MonitoringPorts"/>).</param>
    public ProcessFederation(RabbitMqBroker broker, string folder, IReadOnlyList<string> sites, ITestOutputHelper log, CoordinatorCluster? cluster = null,
        IReadOnlyList<string>? busSettings = null, Func<string, string>? siteBrokerUri = null, IReadOnlyDictionary<string, string>? environment = null,
        IReadOnlyList<string>? coordinatorSettings = null, Func<int, string[]>? nodeSettings = null, bool monitoring = false)
    {
        this.log = log;
        this.monitoring = monitoring;
        this.environment = environment;
        string[] bus = [$"--Bus:Transport={BusOptions.RabbitMq}", $"--Bus:Uri={broker.Uri}", "--Bus:AllowPlainAmqp=true", .. busSettings ?? []];
        var consortium = new TestConsortium(folder, sites.Select(s => $"{s.ToLowerInvariant()}.json"));
        string[] keys = [.. consortium.CoordinatorSettings, .. coordinatorSettings ?? []];
        singleCoordinatorArgs = cluster is null ? [.. bus, .. keys, $"--Coordinator:DataDir={folder}"] : null;
        coordinators = singleCoordinatorArgs is { } single
            ? [Start("coordinator", "FedHealth.Coordinator.dll", single)]
            : StartCluster(cluster!, folder, [.. bus, .. keys], nodeSettings);
        Sites = sites.ToDictionary(site => site, site => Start(site, "FedHealth.SiteAgent.dll",
            ["run", "--config", consortium.SiteConfig(site), .. bus, .. siteBrokerUri is null ? Array.Empty<string>() : [$"--Bus:Uri={siteBrokerUri(site)}"]]));
        var users = new DashboardUsers(folder);
        Dashboard = Start("dashboard", "FedHealth.Dashboard.dll",
            [.. bus, "--urls", $"http://127.0.0.1:{Port}", $"--Dashboard:AccountsFile={users.File}", .. consortium.DashboardSettings]);
        Http = DashboardUsers.Client(BaseAddress, "lead");
    }

    /// <summary>
    /// Starts the coordinator nodes, each its own process on its own port, all listing every node as a seed. The
    /// first node forms the cluster and creates the journal's tables before the others start, as an operator
    /// brings up a fresh cluster (concurrent CREATE TABLE IF NOT EXISTS can fail in PostgreSQL).
    /// </summary>
    private List<DeployableProcess> StartCluster(CoordinatorCluster cluster, string folder, string[] common, Func<int, string[]>? nodeSettings)
    {
        var ports = Enumerable.Range(0, cluster.Nodes).Select(_ => FreePort()).ToList();
        var seeds = ports.Select((p, i) => $"--Coordinator:SeedNodes:{i}=akka.tcp://fedhealth@127.0.0.1:{p}").ToArray();
        var nodes = new List<DeployableProcess>();
        for (var i = 0; i < cluster.Nodes; i++)
        {
            var node = Start($"coordinator-{i + 1}", "FedHealth.Coordinator.dll", [.. common, .. seeds, $"--Coordinator:Port={ports[i]}",
                $"--Coordinator:DataDir={Path.Combine(folder, $"node-{i + 1}")}", $"--Coordinator:Journal=PostgreSql",
                $"--Coordinator:ConnectionString={cluster.ConnectionString}", $"--Coordinator:DowningStableAfter={cluster.DowningStableAfter}",
                $"--Coordinator:SiteOfflineAfter={cluster.SiteOfflineAfter}", .. nodeSettings?.Invoke(i) ?? []]);
            nodes.Add(node);
            if (i == 0) Eventually.Get(() => Task.FromResult(node.Output.Contains("job index ready") ? node : null),
                TimeSpan.FromSeconds(90), "the first coordinator node to form the cluster and open the journal").GetAwaiter().GetResult();
        }
        return nodes;
    }

    /// <summary>The coordinator node whose log says it started or recovered the job, and is still alive.</summary>
    public Task<DeployableProcess> NodeRunning(Guid jobId, TimeSpan within) => Eventually.Get(() => Task.FromResult(
        Coordinators.LastOrDefault(n =>
            !n.HasExited && (n.Output.Contains($"job {jobId} starting on") || n.Output.Contains($"job {jobId} recovered on")))), within,
        $"a live coordinator node to run job {jobId}");

    /// <summary>The job's summary once it has ended (completed or failed), read through the dashboard as a lead.</summary>
    public Task<JobSummary> Ended(Guid job, TimeSpan within) => Eventually.Get(async () =>
        (await Http.GetFromJsonAsync<JobSummary>($"/api/jobs/{job}", Json))! is { Status: "completed" or "failed" } s ? s : null, within, $"job {job} to end");

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
        Name = "integration", Schema = "breast-prognosis", FeatureNames = GbsgSite.Features,
        Model = new ModelSpec { Kind = "logistic", Features = 8 }, Rounds = rounds, MinSites = 3, RoundDeadline = deadline, Seed = 3,
    };

    /// <summary>Launches a job as the lead through the dashboard's API; answers its id.</summary>
    public async Task<Guid> Launch(JobSpec spec)
    {
        var response = await Http.PostAsJsonAsync("/api/jobs", spec, Json);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JobAccepted>(Json))!.JobId;
    }

    /// <summary>The weights of a job's model file as the dashboard hands it out (JSON, to compare two jobs' models bit for bit).</summary>
    public async Task<string> ModelWeights(Guid job)
    {
        using var document = JsonDocument.Parse(await Http.GetStringAsync($"/api/jobs/{job}/model"));
        return document.RootElement.GetProperty("weights").GetRawText();
    }

    /// <summary>A single coordinator (its SQLite journal in the folder) killed with SIGKILL and started again on the same journal.</summary>
    public DeployableProcess KillAndRestartCoordinator()
    {
        if (singleCoordinatorArgs is null)
            throw new InvalidOperationException("a cluster's nodes are killed one by one (KillHard) and the survivors take over");
        coordinators[^1].KillHard();
        var restarted = Start($"coordinator-{coordinators.Count + 1}", "FedHealth.Coordinator.dll", singleCoordinatorArgs);
        coordinators.Add(restarted);
        return restarted;
    }

    private readonly bool monitoring;
    private readonly Dictionary<string, int> monitoringPorts = new();

    /// <summary>With monitoring on: each process's (coordinator, each site by id, dashboard) /metrics and /healthz port.</summary>
    public IReadOnlyDictionary<string, int> MonitoringPorts => monitoringPorts;

    private DeployableProcess Start(string name, string assembly, string[] args)
    {
        if (monitoring)
        {
            monitoringPorts[name] = FreePort();
            args = [.. args, $"--Monitoring:Port={monitoringPorts[name]}"];
        }
        var process = new DeployableProcess(name, assembly, environment, args);
        processes.Add(process);
        return process;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>
    /// A process's log without exception stack frames, each line cut at 400 characters: while the broker is away every
    /// reconnect logs a long trace, which would push what the processes did out of the tail a failed test shows.
    /// </summary>
    private static string WithoutStackFrames(string output) => string.Join('\n', output.Split('\n').Where(line =>
    {
        var text = line.TrimStart();
        return !text.StartsWith("at ", StringComparison.Ordinal) && !text.StartsWith("--- End of", StringComparison.Ordinal);
    }).Select(line => line.Length > 400 ? line[..400] + " …" : line));

    /// <summary>How much of each process's log a test's output keeps: the end, 20,000 characters unless FEDHEALTH_TEST_LOG_TAIL says.</summary>
    private static int LogTail => int.TryParse(Environment.GetEnvironmentVariable("FEDHEALTH_TEST_LOG_TAIL"), out var tail) && tail > 0 ? tail : 20000;

    public void Dispose()
    {
        foreach (var p in processes)
        {
            var output = WithoutStackFrames(p.Output);
            log.WriteLine($"--- {p.Name}{(p.HasExited ? " (exited)" : "")} ---\n{(output.Length > LogTail ? output[^LogTail..] : output)}");
            p.Dispose();
        }
        Http.Dispose();
    }
}

/// <summary>A coordinator of several nodes (separate processes) sharing a PostgreSQL journal.</summary>
public sealed record CoordinatorCluster(int Nodes, string ConnectionString)
{
    /// <summary>Short, so a dead node's jobs move within seconds in a test; production keeps the default.</summary>
    public TimeSpan DowningStableAfter { get; init; } = TimeSpan.FromSeconds(3);
    public TimeSpan SiteOfflineAfter { get; init; } = TimeSpan.FromSeconds(30);
}
