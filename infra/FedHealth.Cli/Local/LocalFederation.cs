using FedHealth.Learning.Metrics;
using FedHealth.Learning.Strategies;
using FedHealth.Learning.Torch;
using FedHealth.Privacy.Accounting;
using System.Diagnostics;
using FedHealth.Contracts;
using FedHealth.Privacy.SecureAggregation;
using FedHealth.Learning.Models.Architectures;
using FedHealth.Coordinator.Hosting;
using FedHealth.Dashboard;
using FedHealth.Learning.Data;
using FedHealth.Messaging;
using FedHealth.Monitoring;
using FedHealth.Messaging.Signing;
using FedHealth.SiteAgent;
using MassTransit;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace FedHealth.Cli.Local;

/// <summary>
/// The whole federation in one process on the embedded defaults (in-process bus, SQLite journal): the
/// coordinator, one site agent per site config of the federation folder, and the dashboard unless headless.
/// </summary>
public sealed class LocalFederation(LocalRunOptions options, TextWriter output)
{
    /// <summary>Runs the federation and one job to its end (then keeps the dashboard up unless headless).</summary>
    public async Task<LocalRunResult> Run(CancellationToken cancellation)
    {
        var wall = Stopwatch.StartNew();
        await using var federation = await Start(cancellation);
        var (app, agents, watcher, table) = (federation.App, federation.Agents, federation.Watcher, federation.Table);
        var siteIds = agents.Select(a => a.Id).ToList();
        var spec = JobSpecFor(agents);
        var accepted = await CreateJobWhenSitesAreOnline(app.Services, spec, siteIds, cancellation);
        watcher.Watch(accepted.JobId);
        output.WriteLine($"Job {accepted.JobId}: {spec.Rounds} rounds of {spec.Model.Kind}, {spec.Strategy.Name}" +
            $"{(spec.SecureAggregation ? " (secure aggregation)" : " (plain updates)")}, on {string.Join(", ", accepted.Participants)}");
        var model = Architecture.Resolve(spec.Model, spec.FeatureNames);
        output.WriteLine($"Model {model.Digest}: {model.Layout.TotalCount:N0} parameters, layers " +
            string.Join(" → ", model.Layers.Select(l => l.Kind)) + $", output {string.Join("×", model.Output)}");
        table.Header(spec.Model!.Task);
        var ended = await watcher.Ended.WaitAsync(cancellation);
        if (ended.FinalWeights is { } weights) SaveModel(spec, weights, ended.JobId);

        var summary = Summarise(spec, agents, watcher.Rounds, ended, wall.Elapsed);
        PrintSummary(summary);
        if (options.SummaryPath is { } path) SummaryFile.Write(path, summary);
        if (!options.Headless)
        {
            output.WriteLine($"The job has ended; the dashboard stays up at {DashboardUrl(app)} until you press Ctrl+C.");
            await app.WaitForShutdownAsync(cancellation);
        }
        await app.StopAsync(CancellationToken.None);
        return new LocalRunResult(summary, spec, agents, watcher.Rounds);
    }

    /// <summary>
    /// A label-counts job: the sites' rows per label summed under secure aggregation, printed, and checked against
    /// counting the pooled rows (possible here only because this one machine holds every simulated site's data).
    /// </summary>
    public async Task<LabelCountReport?> Count(CancellationToken cancellation)
    {
        await using var federation = await Start(cancellation);
        var agents = federation.Agents;
        var spec = new JobSpec
        {
            Kind = JobKinds.LabelCounts, Name = $"{agents[0].Schema.Name}: rows per label", Schema = agents[0].Schema.Name,
            FeatureNames = agents[0].Schema.FeatureNames,
            Model = null!, MinSites = Math.Min(2, agents.Count), RoundDeadline = options.RoundDeadline, Sites = agents.Select(a => a.Id).ToList(), Rounds = 1,
        };
        var accepted = await CreateJobWhenSitesAreOnline(federation.App.Services, spec, agents.Select(a => a.Id).ToList(), cancellation);
        federation.Watcher.Watch(accepted.JobId);
        output.WriteLine($"Job {accepted.JobId}: rows per label on {string.Join(", ", accepted.Participants)} (secure sum: no site's own counts are seen)");
        var ended = await federation.Watcher.Ended.WaitAsync(cancellation);
        var pooled = agents.Select(a => SiteCounting.Count(a.Split)).Aggregate(new long[3], (sum, c) => sum.Zip(c, (x, y) => x + y).ToArray());
        if (ended.LabelCounts is not { } report) throw new InvalidOperationException($"the count {ended.Outcome}: {ended.Detail}");
        output.WriteLine(LabelCountTable.Render(report, pooled));
        if (!options.Headless)
        {
            output.WriteLine($"The job has ended; the dashboard stays up at {DashboardUrl(federation.App)} until you press Ctrl+C.");
            await federation.App.WaitForShutdownAsync(cancellation);
        }
        await federation.App.StopAsync(CancellationToken.None);
        return ended.LabelCounts;
    }

    /// <summary>Runs the federation with the dashboard and no job: leads launch jobs from the dashboard. Returns at Ctrl+C.</summary>
    public async Task Serve(CancellationToken cancellation)
    {
        if (options.Headless) throw new ArgumentException("--no-job needs the dashboard: leave out --headless");
        await using var federation = await Start(cancellation);
        output.WriteLine($"No job launched: sign in as a lead at {DashboardUrl(federation.App)} and launch one. Ctrl+C stops the federation.");
        try { await federation.App.WaitForShutdownAsync(cancellation); }
        catch (OperationCanceledException) when (cancellation.IsCancellationRequested) { }
        await federation.App.StopAsync(CancellationToken.None);
    }

    private sealed record RunningFederation(WebApplication App, IReadOnlyList<Agent> Agents, JobWatcher Watcher, RoundTable Table,
        FileLoggerProvider Log) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await App.DisposeAsync();
            Log.Dispose();
        }
    }

    private async Task<RunningFederation> Start(CancellationToken cancellation)
    {
        Directory.CreateDirectory(options.DataDir);
        var logs = Directory.CreateDirectory(Path.Combine(options.DataDir, "logs")).FullName;
        var logFile = Path.Combine(logs, $"local-{DateTime.UtcNow:yyyyMMdd-HHmmss}.log");
        var fileLog = new FileLoggerProvider(logFile);
        var configs = SiteConfigs();
        var keys = LocalKeys.Create(options.DataDir, configs.ToDictionary(c => c.Site.Id, c => c.Site.Jurisdiction));
        var coordinatorJurisdiction = options.CoordinatorJurisdiction
            ?? (configs.Select(c => c.Site.Jurisdiction).Distinct().ToList() is [var only] ? only : "NL");
        var agents = StartSites(fileLog, keys);
        var siteIds = agents.Select(a => a.Id).ToList();
        var table = new RoundTable(output, siteIds);
        var watcher = new JobWatcher(table);

        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = [], ContentRootPath = AppContext.BaseDirectory });
        builder.Logging.ClearProviders().AddProvider(fileLog).SetMinimumLevel(LogLevel.Information);
        builder.Services.AddCoordinator(new CoordinatorOptions
        {
            DataDir = options.DataDir, AkkaLogLevel = "WARNING", Jurisdiction = coordinatorJurisdiction,
            Journal = options.PostgreSqlJournal is null ? CoordinatorOptions.Sqlite : CoordinatorOptions.PostgreSql,
            ConnectionString = options.PostgreSqlJournal,
        }, keys.Coordinator);
        builder.Services.AddSiteAgents(agents);
        builder.Services.AddMonitoring(new MonitoringOptions { Port = options.MetricsPort }, "local");
        // The local run creates its job as the consortium's lead would, through the dashboard's signed requests.
        builder.Services.AddMessageSigning(keys.Coordinator.Trust, MessageSender.Dashboard, keys.Dashboard);
        LocalAccounts? accounts = null;
        if (!options.Headless)
        {
            accounts = LocalAccounts.Ensure(options.DataDir);
            builder.Configuration.AddInMemoryCollection(options.DashboardSettings);
            builder.Configuration["Dashboard:AccountsFile"] = accounts.File;
            builder.Services.AddDashboard(builder.Configuration);
        }
        builder.Services.AddFederationBus(new BusOptions { Transport = BusOptions.InMemory }, x =>
        {
            CoordinatorComponent.RegisterConsumers(x);
            CoordinatorClients.Register(x, BusOptions.InMemory);
            if (!options.Headless) DashboardComponent.RegisterConsumers(x);
        }, (context, cfg) =>
        {
            CoordinatorComponent.ConfigureEndpoints(context, cfg);
            SiteAgentComponent.ConfigureEndpoints(context, cfg, agents);
            if (!options.Headless) DashboardComponent.ConfigureEndpoints(context, cfg, "local");
            cfg.ReceiveEndpoint("fedhealth-local-watcher", e =>
            {
                e.Handler<RoundCompleted>(c => { watcher.OnRound(c.Message); return Task.CompletedTask; });
                e.Handler<JobEnded>(c => { watcher.OnEnded(c.Message); return Task.CompletedTask; });
            });
        });
        if (options.Headless) builder.WebHost.UseSetting(WebHostDefaults.ServerUrlsKey, "http://127.0.0.1:0");
        else builder.WebHost.UseUrls($"http://127.0.0.1:{options.Port}");

        var app = builder.Build();
        if (!options.Headless) app.MapDashboard();
        await app.StartAsync(cancellation);
        output.WriteLine($"FedHealth local federation: {agents.Count} sites ({string.Join(", ", agents.Select(Describe))})");
        output.WriteLine($"Data directory: {options.DataDir} (journal.db, models/, logs: {logFile})");
        if (options.MetricsPort is { } metrics)
            output.WriteLine($"Metrics: http://127.0.0.1:{metrics}/metrics (Prometheus), health: http://127.0.0.1:{metrics}/healthz/ready");
        if (accounts is not null)
        {
            output.WriteLine($"Dashboard: {DashboardUrl(app)}");
            output.WriteLine(accounts.Describe());
        }
        return new RunningFederation(app, agents, watcher, table, fileLog);
    }

    private IReadOnlyList<SiteConfig> SiteConfigs()
    {
        // An image federation cut from a public image set makes its sites' data once, as its partition.json says.
        FedHealth.Cli.Images.ImagePartition.EnsureData(options.FederationDir, output);
        var folder = Path.Combine(options.FederationDir, "sites");
        if (!Directory.Exists(folder)) throw new DataException($"{folder}: no site configurations found");
        var configs = Directory.GetFiles(folder, "*.json").Order(StringComparer.Ordinal).Select(SiteConfigFile.Load).Select(WithLocalState).ToList();
        if (configs.Count == 0) throw new DataException($"{folder}: no site configurations found");
        return configs;
    }


    private List<Agent> StartSites(ILoggerProvider logs, LocalKeys keys)
    {
        var logger = logs.CreateLogger("FedHealth.SiteAgent");
        return SiteConfigs().Select(c => Agent.Start(c, logger, keys.Sites[c.Site.Id])).ToList();
    }

    /// <summary>Simulated sites keep their records (privacy ledger) in the run's data directory, with the budget asked for.</summary>
    private SiteConfig WithLocalState(SiteConfig config)
    {
        var local = config.WithStateDir(Path.Combine(options.DataDir, "sites", config.Site.Id));
        if (options.SimulatedDropoutRate > 0)
            local = local.WithTraining(new SiteTraining
            {
                Device = config.Training.Device, HeartbeatInterval = config.Training.HeartbeatInterval,
                SimulatedDropoutRate = options.SimulatedDropoutRate
            });
        return options.DpEpsilon is { } epsilon ? local.WithPrivacy(new SitePrivacy { EpsilonBudget = epsilon, Delta = LocalRunOptions.DpDelta }) : local;
    }

    private DpSgdSettings? PrivacySettings()
    {
        if (options.DpEpsilon is not { } epsilon) return null;
        var steps = options.Rounds * options.LocalEpochs * (long)Math.Round(1 / options.DpSamplingRate);
        var noise = RdpAccountant.NoiseFor(epsilon, LocalRunOptions.DpDelta, options.DpSamplingRate, steps);
        return new DpSgdSettings { NoiseMultiplier = noise, ClipNorm = options.DpClipNorm, SamplingRate = options.DpSamplingRate };
    }

    private JobSpec JobSpecFor(IReadOnlyList<Agent> agents)
    {
        var schema = agents[0].Schema;
        // Image sites show one feature naming their images' shape: the model reads that shape.
        var image = ImageInput.ShapeOf(schema.FeatureNames);
        var (neighbours, threshold, _) = options.SecureGraph == MaskingGraph.Sparse ? SparseGraphParameters.Suggested(agents.Count) : (0, 0, false);
        return new JobSpec
        {
            Name = $"{schema.Name} ({options.Model}, seed {options.Seed})",
            Schema = schema.Name,
            FeatureNames = schema.FeatureNames,
            Model = new ModelSpec
            {
                Kind = options.Model, Features = image?.Aggregate(1, (a, b) => a * b) ?? schema.Features.Count, Input = image, HiddenUnits = 16,
                Layers = options.Layers,
                // The task is the one the sites' label holds: a survival label trains a Cox model, a multiclass label one logit per class.
                Task = schema.Label.Task, Classes = schema.Label.Kind == LabelDefinition.Multiclass ? schema.Label.Classes!.Count : null,
            },
            Training = new TrainingPlan
            {
                LocalEpochs = options.LocalEpochs, BatchSize = options.BatchSize, LearningRate = options.LearningRate,
                ProximalMu = options.ProximalMu
            },
            Rounds = options.Rounds,
            MinSites = Math.Min(2, agents.Count),
            RoundDeadline = options.RoundDeadline,
            Seed = options.Seed,
            Sites = agents.Select(a => a.Id).ToList(),
            Privacy = PrivacySettings(),
            // Robust rules judge each site's update, which secure aggregation hides, and SCAFFOLD's control deltas would
            // need a masked sum of their own: they run on plain (sealed, signed) updates.
            // Cross-site evaluation sends personal models on, which secure aggregation exists to prevent: plain too.
            SecureAggregation = !options.PlainAggregation && !StrategyNames.RunsWithoutSecureAggregation(options.Strategy.Name)
                && options.Personalisation is not { CrossSiteEvaluation: true },
            SecureAggregationRingBits = options.SecureRingBits,
            SecureAggregationGraph = options.SecureGraph,
            SecureAggregationNeighbours = neighbours,
            SecureAggregationThreshold = threshold,
            SiteLevelPrivacy = options.SiteLevelPrivacy,
            Strategy = options.Strategy,
            Personalisation = options.Personalisation,
        };
    }

    /// <summary>Longer than the coordinator's own bound on asking its actors, so its reason for not answering arrives first.</summary>
    private static readonly TimeSpan RequestWithin = TimeSpan.FromSeconds(30);

    /// <summary>Sites announce themselves with heartbeats as the bus starts; the job is created once the coordinator has heard from all.</summary>
    private static async Task<JobAccepted> CreateJobWhenSitesAreOnline(IServiceProvider services, JobSpec spec, IReadOnlyList<string> siteIds,
        CancellationToken cancellation)
    {
        using var scope = services.CreateScope();
        var status = scope.ServiceProvider.GetRequiredService<IRequestClient<GetFederationStatus>>();
        var create = scope.ServiceProvider.GetRequiredService<IRequestClient<CreateJob>>();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        timeout.CancelAfter(TimeSpan.FromSeconds(60));
        using var poll = new PeriodicTimer(TimeSpan.FromMilliseconds(100));
        string? notReady = null;
        try
        {
            while (true)
            {
                // A coordinator replaying a long journal says it is not ready yet; ask again until the window closes.
                try
                {
                    var now = (
                        await status.GetResponse<FederationStatus>(new GetFederationStatus { JobsLimit = 0 }, timeout.Token, RequestWithin)).Message;
                    notReady = null;
                    var missing = siteIds.Where(id => !now.Sites.Any(s => s.Online && s.LastHeartbeat.SiteId == id)).ToList();
                    if (missing.Count == 0) break;
                    notReady = $"the coordinator has not heard from {string.Join(", ", missing)}";
                }
                catch (Exception e) when (CoordinatorUnavailableException.Explain(e, RequestWithin) is { } why) { notReady = why; }
                if (!await poll.WaitForNextTickAsync(timeout.Token)) break;
            }
        }
        catch (OperationCanceledException) when (!cancellation.IsCancellationRequested)
        {
            throw new InvalidOperationException($"the job was not created within 60 s: {notReady ?? "the coordinator did not answer"}");
        }
        Response<JobAccepted, JobRefused> response;
        try
        {
            response = await create.GetResponse<JobAccepted, JobRefused>(new CreateJob { Spec = spec, RequestId = Guid.NewGuid() },
            timeout.Token, RequestWithin);
        }
        catch (Exception e) when (CoordinatorUnavailableException.Explain(e,
            RequestWithin) is { } why)
        { throw new InvalidOperationException($"the job was not created: {why}", e); }
        if (response.Is(out Response<JobRefused>? refused)) throw new InvalidOperationException($"the coordinator refused the job: {refused.Message.Reason}");
        response.Is(out Response<JobAccepted>? accepted);
        return accepted!.Message;
    }

    private void SaveModel(JobSpec spec, ModelWeights weights, Guid jobId)
    {
        var folder = Directory.CreateDirectory(Path.Combine(options.DataDir, "models")).FullName;
        ModelFiles.Save(Path.Combine(folder, $"{jobId}.pt"), spec.Model, weights, spec.FeatureNames);
    }

    private FederationSummary Summarise(JobSpec spec, IReadOnlyList<Agent> agents, IReadOnlyList<RoundCompleted> rounds, JobEnded ended, TimeSpan wall)
    {
        var last = rounds.LastOrDefault()
            ?? throw new InvalidOperationException($"job {ended.JobId} {ended.Outcome} without a completed round: {ended.Detail}");
        var pooledModel = CentralTraining.Train(spec.Model, spec.Training, spec.Rounds, spec.Seed,
            TabularData.Concat(agents.Select(a => a.Split.Train).ToList()));
        var (pooled, _) = CentralTraining.Score(pooledModel, agents.Select(a => (a.Id, a.Split.Test)), spec.Model!.Task);
        var global = last.Global ?? throw new InvalidOperationException("the last round has no evaluation");
        var task = spec.Model.Task;
        return new FederationSummary(
            rounds.Count,
            SummaryMetrics.Of(task, global),
            agents.Select(a =>
            {
                var m = last.Sites.FirstOrDefault(s => s.SiteId == a.Id)?.Metrics;
                var spent = last.Privacy.FirstOrDefault(p => p.SiteId == a.Id);
                var personal = last.Personalised.FirstOrDefault(p => p.SiteId == a.Id)?.Metrics;
                return new SummarySite(a.Id, a.Config.Site.Jurisdiction, a.Config.Site.Simulated, a.Split.Train.Rows, a.Split.Test.Rows,
                    m?.Auc ?? double.NaN, m?.Accuracy ?? double.NaN, spent?.Epsilon, spent?.Delta,
                    personal is null ? null : PrimaryFigure.ValueOf(task, personal))
                {
                    Figure = PrimaryFigure.ValueOf(task, m), Multiclass = m?.Multiclass, Regression = m?.Regression,
                };
            }).ToList(),
            new PooledBaseline(pooled.Auc, pooled.Accuracy, pooled.Loss)
            {
                Figure = PrimaryFigure.ValueOf(task, pooled), Multiclass = pooled.Multiclass, Regression = pooled.Regression,
            },
            Math.Round(wall.TotalSeconds, 2),
            ended.JobId,
            ended.Outcome,
            ended.CrossSite,
            task);
    }

    private void PrintSummary(FederationSummary s)
    {
        output.WriteLine();
        output.WriteLine($"Job {s.JobId} {s.Outcome} after {s.Rounds} rounds in {s.WallSeconds:F1}s");
        output.WriteLine($"Final global model on all held-out rows: {s.Metric} {s.Global.Figure:F4}" + TaskFigures.Describe(s.Task, s.Global) +
            $", loss {s.Global.Loss:F4}");
        output.WriteLine($"Pooled baseline (same model, same epochs, all training rows in one place): {s.Metric} {s.PooledBaseline.Figure:F4} (difference " +
            $"{s.Global.Figure - s.PooledBaseline.Figure:+0.0000;-0.0000;+0.0000}{(s.HigherIsBetter ? "" : ", lower is better")})");
        foreach (var site in s.Sites)
            output.WriteLine($"  {site.Id,-16} {site.Jurisdiction}{(site.Simulated ? " (simulated)" : ""),-13} train {site.TrainSamples,5}  test " +
                $"{site.TestSamples,5}  {s.Metric} {site.Figure:F4}" +
                (double.IsNaN(site.Accuracy) || s.Task == ModelTasks.Multiclass ? "" : $"  accuracy {site.Accuracy:F4}") +
                (site.Epsilon is { } e ? $"  ε spent {e:F3} (δ={site.Delta:G})" : "") +
                    (site.PersonalAuc is { } own ? $"  personal model {s.Metric} {own:F4}" : ""));
        if (s.Global.Multiclass is { } mc) TaskFigures.PrintConfusion(mc, output);
        if (s.CrossSite is { } crossSite) CrossSiteTable.Print(crossSite, s.Sites.Select(site => site.Id).ToList(), output, s.Task);
    }

    private static string Describe(Agent a) => $"{a.Id} {a.Config.Site.Jurisdiction}{(a.Config.Site.Simulated ? " simulated" : "")}";

    private static string DashboardUrl(WebApplication app) =>
        app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault() ?? "(unknown)";
}
