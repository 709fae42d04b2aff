using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization;
using FedHealth.Contracts;
using FedHealth.Messaging;
using FedHealth.Messaging.Signing;
using FedHealth.Tests.Support;
using MassTransit;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace FedHealth.Tests.Integration;

/// <summary>
/// The production shape on one machine: a coordinator process, three site-agent processes and a dashboard
/// process, talking only through a real RabbitMQ broker.
/// </summary>
[Collection(RabbitMqCollection.Name)]
public sealed class RabbitMqFederationTests(RabbitMqBroker broker, ITestOutputHelper log) : IDisposable
{
    private static readonly JsonSerializerOptions Json = ProcessFederation.Json;
    private readonly TempFolder temp = new();

    /// <param name="graph">The masking graph: sparse (two neighbours each, threshold 2) adds the graph-seed step's messages.</param>
    [Theory]
    [InlineData("full")]
    [InlineData("sparse")]
    public async Task A_label_count_job_sums_each_sites_rows_per_label_under_secure_aggregation_over_real_RabbitMQ(string graph)
    {
        string[] sites = ["DE-GBSG", "NL-ROTTERDAM-A", "NL-ROTTERDAM-B"];
        using var federation = new ProcessFederation(broker, temp.Path, sites, log);
        await federation.SitesOnline(3);
        var spec = new JobSpec
        {
            Kind = JobKinds.LabelCounts, Name = "rows per label", Schema = "breast-prognosis", FeatureNames = GbsgSite.Features, MinSites = 3,
            RoundDeadline = TimeSpan.FromSeconds(30), SecureAggregationGraph = graph,
            SecureAggregationNeighbours = graph == "sparse" ? 2 : 0, SecureAggregationThreshold = graph == "sparse" ? 2 : 0,
        };
        var refused = await federation.Http.PostAsJsonAsync("/api/jobs", spec with { SecureAggregation = false }, Json);
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Contains("secureAggregation: a label-counts job", await refused.Content.ReadAsStringAsync());

        var created = await federation.Http.PostAsJsonAsync("/api/jobs", spec, Json);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var job = (await created.Content.ReadFromJsonAsync<JobAccepted>(Json))!;
        var done = await federation.Ended(job.JobId, TimeSpan.FromMinutes(2));
        Assert.True(done.Status == "completed", $"the count ended {done.Status}: {done.Detail}");

        // What each site holds, counted here from the same files the site processes read: the secure sum must equal it.
        var expected = sites.Select(s => FedHealth.SiteAgent.SiteCounting.Count(FedHealth.SiteAgent.SiteData.Load(
                FedHealth.SiteAgent.SiteConfigFile.Load(Path.Combine(temp.Path, "sites", s, "site.json")).Data).Split))
            .Aggregate(new long[3], (sum, c) => sum.Zip(c, (x, y) => x + y).ToArray());
        var report = done.LabelCounts!;
        Assert.Equal(expected, report.Labels.Select(l => l.Rows!.Value).Append(report.TotalRows!.Value).ToArray());
        Assert.Equal(sites.Order(), report.Contributors.Order());
        Assert.Empty(report.LeftOut);
        // A count has no model to download, and says so.
        var model = await federation.Http.GetAsync($"/api/jobs/{job.JobId}/model");
        Assert.Equal(HttpStatusCode.NotFound, model.StatusCode);
        Assert.Contains("label-counts job: it has no model", await model.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Separate_coordinator_site_and_dashboard_processes_train_with_secure_aggregation_over_real_RabbitMQ_and_the_global_auc_improves()
    {
        using var federation = new ProcessFederation(broker, temp.Path, ["DE-GBSG", "NL-ROTTERDAM-A", "NL-ROTTERDAM-B"], log);
        var http = federation.Http;
        var port = federation.Port;
        var online = await federation.SitesOnline(3);
        Assert.All(online.Sites, s => Assert.Equal("cpu", s.LastHeartbeat.Device));

        var rounds = new List<RoundCompleted>();
        var ended = new TaskCompletionSource<JobEnded>(TaskCreationOptions.RunContinuationsAsynchronously);
        // The hub and the API refuse anyone not signed in; an auditor reads but cannot launch.
        await using var anonymousHub = new HubConnectionBuilder().WithUrl($"{federation.BaseAddress}/hubs/federation").Build();
        Assert.Contains("401", (await Assert.ThrowsAnyAsync<Exception>(() => anonymousHub.StartAsync())).Message);
        using (var anonymous = new HttpClient { BaseAddress = new Uri(federation.BaseAddress) })
            Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.PostAsJsonAsync("/api/jobs", Spec(), Json)).StatusCode);
        using var auditor = DashboardUsers.Client(federation.BaseAddress, "auditor");
        var auditorLaunch = await auditor.PostAsJsonAsync("/api/jobs", Spec(), Json);
        Assert.Equal(HttpStatusCode.Forbidden, auditorLaunch.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await auditor.GetAsync("/api/status")).StatusCode);

        var leadToken = await DashboardUsers.Token(federation.BaseAddress, "lead");
        await using var hub = new HubConnectionBuilder()
            .WithUrl($"http://127.0.0.1:{port}/hubs/federation", o => o.AccessTokenProvider = () => Task.FromResult<string?>(leadToken))
            .AddJsonProtocol(o => o.PayloadSerializerOptions.NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals).Build();
        hub.On<RoundCompleted>("roundCompleted", r => { lock (rounds) rounds.Add(r); });
        hub.On<JobEnded>("jobEnded", e => ended.TrySetResult(e));
        await hub.StartAsync();

        var invalid = await http.PostAsJsonAsync("/api/jobs", Spec() with { Rounds = 0 }, Json);
        Assert.Equal(HttpStatusCode.BadRequest, invalid.StatusCode);
        Assert.Contains("rounds: 0 is outside", await invalid.Content.ReadAsStringAsync());

        var created = await http.PostAsJsonAsync("/api/jobs", Spec(), Json);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var job = (await created.Content.ReadFromJsonAsync<JobAccepted>(Json))!;
        Assert.Equal(3, job.Participants.Count);

        var end = await ended.Task.WaitAsync(TimeSpan.FromSeconds(180));
        Assert.Equal("completed", end.Outcome);
        var byRound = (await http.GetFromJsonAsync<JobSummary>($"/api/jobs/{job.JobId}", Json))!.Rounds;
        Assert.Equal(6, byRound.Count);
        Assert.All(byRound, r => Assert.Equal(3, r.Contributors.Count));
        log.WriteLine(string.Join("\n", byRound.Select(r => $"round {r.Round}: global AUC {r.Global!.Auc:F4}")));
        Assert.True(byRound[^1].Global!.Auc > byRound[0].Global!.Auc + 0.01,
            $"global AUC went from {byRound[0].Global!.Auc:F4} to {byRound[^1].Global!.Auc:F4}");
        lock (rounds) Assert.Equal(byRound.Select(r => r.Round), rounds.Select(r => r.Round).Order());

        var ledger = (await http.GetFromJsonAsync<TransferLedgerPage>($"/api/ledger?job={job.JobId}&site=DE-GBSG", Json))!;
        Assert.NotEmpty(ledger.Entries);
        Assert.All(ledger.Entries, e => Assert.Equal(("DE", "NL"), e.Sender == "DE-GBSG" ? (e.SenderJurisdiction, e.ReceiverJurisdiction)
            : (e.ReceiverJurisdiction, e.SenderJurisdiction)));
        Assert.Equal(ledger.Entries[^1].Hash, ledger.Head);

        await A_malformed_update_is_refused_with_a_reason_and_the_coordinator_stays_up(job.JobId, http);
        await Personal_models_travel_for_cross_site_evaluation_and_every_site_scores_every_final_model(http);
        // Every site heard that the first job ended and let go of what it kept for it.
        foreach (var (id, site) in federation.Sites)
            await Eventually.Get(() =>
                Task.FromResult(site.Output.Contains($"job {job.JobId} completed in round 6; what this site kept for it in memory is released") ? site : null),
                TimeSpan.FromSeconds(30), $"{id} to release job {job.JobId}");
    }

    private static async Task Personal_models_travel_for_cross_site_evaluation_and_every_site_scores_every_final_model(HttpClient http)
    {
        var spec = ProcessFederation.BreastPrognosis(rounds: 2, deadline: TimeSpan.FromSeconds(60)) with
        {
            Name = "cross-site",
            SecureAggregation = false,
            Personalisation = new PersonalisationSpec { Method = "finetune", Epochs = 2, CrossSiteEvaluation = true },
        };
        var created = await http.PostAsJsonAsync("/api/jobs", spec, Json);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var id = (await created.Content.ReadFromJsonAsync<JobAccepted>(Json))!.JobId;
        var done = await Eventually.Get(async () =>
            (await http.GetFromJsonAsync<JobSummary>($"/api/jobs/{id}", Json))! is { Status: "completed" or "failed" } s ? s : null,
            TimeSpan.FromSeconds(120), $"cross-site job {id} to end");
        Assert.Equal("completed", done.Status);
        var report = done.CrossSite!;
        Assert.Empty(report.Withheld);
        Assert.Empty(report.NotScored);
        Assert.Equal(12, report.Cells.Count); // the global model and 3 personal models, each on 3 sites' rows
        var ledger = (await http.GetFromJsonAsync<TransferLedgerPage>($"/api/ledger?job={id}&site=DE-GBSG", Json))!;
        Assert.Contains(ledger.Entries, e => e is { Sender: "DE-GBSG", DataKind: "personalModel", Decision: "allowed" });
        Assert.Contains(ledger.Entries, e => e is { Receiver: "DE-GBSG", DataKind: "personalModel" });
    }

    private async Task A_malformed_update_is_refused_with_a_reason_and_the_coordinator_stays_up(Guid jobId, HttpClient http)
    {
        var refusals = new TaskCompletionSource<UpdateRefused>(TaskCreationOptions.RunContinuationsAsynchronously);
        var services = new ServiceCollection();
        // Sent in DE-GBSG's name with its key (an unsigned one is dropped unanswered: AdversaryTests): the site's own
        // malformed update is refused with a reason it can log.
        services.AddMessageSigning(FedHealth.Privacy.Crypto.ConsortiumTrust.Load(Path.Combine(temp.Path, "consortium.json")), MessageSender.Site("DE-GBSG"),
            FedHealth.Privacy.Crypto.SigningKey.FromPem(File.ReadAllText(Path.Combine(temp.Path, "sites", "DE-GBSG", "identity-key.pem"))));
        services.AddFederationBus(new BusOptions { Transport = BusOptions.RabbitMq, Uri = broker.Uri, AllowPlainAmqp = true }, _ => { },
            (_, cfg) => cfg.ReceiveEndpoint("fedhealth-test-observer", e =>
            {
                if (e is IRabbitMqReceiveEndpointConfigurator rabbit) rabbit.AutoDelete = true;
                e.Handler<UpdateRefused>(c => { refusals.TrySetResult(c.Message); return Task.CompletedTask; });
            }));
        await using var provider = services.BuildServiceProvider();
        var control = provider.GetRequiredService<IBusControl>();
        await control.StartAsync(new CancellationTokenSource(TimeSpan.FromSeconds(60)).Token);
        try
        {
            var shape = new FedHealth.Learning.Models.FlatParameters(
                FedHealth.Learning.Models.ParameterLayout.For(new ModelSpec { Kind = "logistic", Features = 3 }), new float[4]).ToWeights();
            await control.Publish(new UpdateSubmitted
            {
                JobId = jobId, Round = 6, SiteId = "DE-GBSG", SampleCount = 10, Weights = shape, TrainLoss = 0.1, Device = "cpu", TrainSeconds = 0,
            });
            var refused = await refusals.Task.WaitAsync(TimeSpan.FromSeconds(60));
            Assert.Equal("DE-GBSG", refused.SiteId);
            Assert.Contains("completed", refused.Reason);
            var after = (await http.GetFromJsonAsync<JobSummary>($"/api/jobs/{jobId}", Json))!;
            Assert.Equal("completed", after.Status);
            Assert.Equal(6, after.Rounds.Count);
        }
        finally
        {
            await control.StopAsync();
        }
    }

    private static JobSpec Spec() => ProcessFederation.BreastPrognosis(rounds: 6, deadline: TimeSpan.FromSeconds(60));



    public void Dispose() => temp.Dispose();
}
