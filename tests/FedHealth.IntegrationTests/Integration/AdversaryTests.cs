using System.Net;
using System.Net.Http.Json;
using FedHealth.Contracts;
using FedHealth.Messaging;
using FedHealth.Messaging.Signing;
using FedHealth.Privacy.Crypto;
using FedHealth.Tests.Support;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace FedHealth.Tests.Integration;

/// <summary>
/// Issue 14's attacks, tried as their author did: over the real broker, from a bus of its own, holding one site's
/// broker account and that site's signing key (NL-ROTTERDAM-A turned malicious). Each forged command, round request,
/// evaluation or decline must be refused and logged with the reason, and change nothing: no job, no pause, no
/// training, no figure, no ledger entry.
/// </summary>
[Collection(RabbitMqCollection.Name)]
public sealed class AdversaryTests(RabbitMqBroker broker, ITestOutputHelper log) : IDisposable
{
    private const string Malicious = "NL-ROTTERDAM-A", Victim = "DE-GBSG";
    private readonly TempFolder temp = new();

    [Fact]
    public async Task A_site_account_with_its_own_key_cannot_command_jobs_request_rounds_or_speak_for_another_site()
    {
        using var federation = new ProcessFederation(broker, temp.Path, [Victim, Malicious, "NL-ROTTERDAM-B"], log);
        await federation.SitesOnline(3);
        using var siteKey = SigningKey.FromPem(File.ReadAllText(Path.Combine(temp.Path, "sites", Malicious, "identity-key.pem")));
        var observed = new TaskCompletionSource<RoundStarted>(TaskCreationOptions.RunContinuationsAsynchronously);
        var services = new ServiceCollection();
        // No consortium file on the attacker's bus: it signs nothing itself; each forgery below sets its own headers.
        services.AddFederationBus(new BusOptions { Transport = BusOptions.RabbitMq, Uri = broker.Uri, AllowPlainAmqp = true }, _ => { },
            (_, cfg) => cfg.ReceiveEndpoint("fedhealth-test-eavesdropper", e =>
            {
                if (e is IRabbitMqReceiveEndpointConfigurator rabbit) rabbit.AutoDelete = true;
                e.Handler<RoundStarted>(c => { observed.TrySetResult(c.Message); return Task.CompletedTask; });
            }));
        await using var provider = services.BuildServiceProvider();
        var bus = provider.GetRequiredService<IBusControl>();
        await bus.StartAsync(new CancellationTokenSource(TimeSpan.FromSeconds(60)).Token);
        try
        {
            // Commands in the dashboard's name: unsigned, and signed with the site's own key.
            var forgedSpec = ProcessFederation.BreastPrognosis(rounds: 1, deadline: TimeSpan.FromSeconds(30)) with { Name = "forged job" };
            await bus.Publish(new CreateJob { Spec = forgedSpec, RequestId = Guid.NewGuid() });
            await Forge(bus, new CreateJob { Spec = forgedSpec, RequestId = Guid.NewGuid() }, MessageSender.Dashboard, siteKey);

            var created = await federation.Http.PostAsJsonAsync("/api/jobs", ProcessFederation.BreastPrognosis(rounds: 3, deadline: TimeSpan.FromSeconds(60)),
                ProcessFederation.Json);
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
            var job = (await created.Content.ReadFromJsonAsync<JobAccepted>(ProcessFederation.Json))!.JobId;
            var real = await observed.Task.WaitAsync(TimeSpan.FromSeconds(60));

            await bus.Publish(new StopJob { JobId = job, RequestedBy = "lead", RequestId = Guid.NewGuid() });
            await Forge(bus, new StopJob { JobId = job, RequestedBy = "lead", RequestId = Guid.NewGuid() }, MessageSender.Dashboard, siteKey);
            // A round nobody asked for, in the clear, for the victim alone: unsigned, and signed by the site posing as the coordinator.
            var fakeJob = Guid.NewGuid();
            var plainRound = real with { JobId = fakeJob, SecureRound = null, Sealing = null, Participants = [Victim] };
            await bus.Publish(plainRound);
            await Forge(bus, plainRound, MessageSender.Coordinator, siteKey);
            await bus.Publish(new EvaluationRequested
            {
                JobId = fakeJob, Round = 1, Model = real.Model, GlobalWeights = real.GlobalWeights,
                Participants = [Victim], Deadline = real.Deadline
            });
            // The victim's figures and decline, written by the malicious site with its own key.
            var evaluation = new EvaluationSubmitted
            {
                JobId = job, Round = 1, SiteId = Victim,
                Evaluation = new SiteEvaluation
                {
                    SiteId = Victim, Metrics = new ModelMetrics { Auc = 0.999, Accuracy = 0.999, Loss = 0.01, Samples = 1_000_000 },
                    Histogram = new ScoreHistogram { Positives = [0, 500_000], Negatives = [500_000, 0] },
                },
            };
            await Forge(bus, evaluation, MessageSender.Site(Victim), siteKey);
            await Forge(bus, new RoundDeclined { JobId = job, Round = 1, SiteId = Victim, Reason = "forged by the attacker" },
                MessageSender.Site(Victim), siteKey);

            var done = await federation.Ended(job, TimeSpan.FromSeconds(240));
            Assert.Equal("completed", done.Status);
            Assert.All(done.Rounds, r => Assert.Equal(3, r.Contributors.Count));
            Assert.All(done.Rounds, r => Assert.True(r.Global!.Auc < 0.9, $"round {r.Round}: global AUC {r.Global.Auc}"));
            Assert.DoesNotContain(done.Rounds.SelectMany(r => r.Sites), s => s.Metrics.Samples == 1_000_000);

            var status = (await federation.Http.GetFromJsonAsync<FederationStatus>("/api/status", ProcessFederation.Json))!;
            Assert.Equal([job], status.Jobs.Select(j => j.JobId));
            var ledger = (await federation.Http.GetFromJsonAsync<TransferLedgerPage>($"/api/ledger?job={fakeJob}", ProcessFederation.Json))!;
            Assert.Empty(ledger.Entries);
            var jobLedger = (await federation.Http.GetFromJsonAsync<TransferLedgerPage>($"/api/ledger?job={job}", ProcessFederation.Json))!;
            Assert.DoesNotContain(jobLedger.Entries, e => e.Decision != "allowed");

            // Each forgery refused where it arrived, and said why.
            var coordinator = federation.Coordinators[0].Output;
            Assert.Contains("CreateJob: unsigned (only dashboard may send it, signed)", coordinator);
            Assert.Contains("CreateJob: its signature does not verify against dashboard's registered key", coordinator);
            Assert.Contains("StopJob: unsigned", coordinator);
            Assert.Contains("StopJob: its signature does not verify against dashboard's registered key", coordinator);
            Assert.Contains($"EvaluationSubmitted: its signature does not verify against site {Victim}'s registered key", coordinator);
            Assert.Contains($"RoundDeclined: its signature does not verify against site {Victim}'s registered key", coordinator);
            var victim = federation.Sites[Victim];
            await Eventually.Get(() => Task.FromResult(victim.Output.Contains("EvaluationRequested: unsigned") ? victim : null), TimeSpan.FromSeconds(30),
                "the victim to refuse the forged evaluation request");
            Assert.Contains("RoundStarted: unsigned (only coordinator may send it, signed)", victim.Output);
            Assert.Contains("RoundStarted: its signature does not verify against coordinator's registered key", victim.Output);
            Assert.DoesNotContain(fakeJob.ToString(), victim.Output);
            var audit = Directory.GetFiles(Path.Combine(temp.Path, "sites", Victim), "*audit*", SearchOption.AllDirectories);
            Assert.NotEmpty(audit);
            Assert.All(audit, f => Assert.DoesNotContain(fakeJob.ToString(), File.ReadAllText(f)));
        }
        finally
        {
            await bus.StopAsync();
        }
    }

    /// <summary>Publishes <paramref name="message"/> with signature headers made with <paramref name="key"/> in <paramref name="claimed"/>'s name.</summary>
    private static Task Forge<T>(IBus bus, T message, MessageSender claimed, SigningKey key) where T : class
    {
        var at = DateTimeOffset.UtcNow;
        var signature = Convert.ToBase64String(key.Sign(MessageSignature.Digest(message, claimed, at)));
        return bus.Publish(message, c =>
        {
            c.Headers.Set(MessageSigning.SignedAtHeader, MessageSignature.Time(at));
            c.Headers.Set(MessageSigning.SignatureHeader, signature);
        });
    }

    public void Dispose() => temp.Dispose();
}
