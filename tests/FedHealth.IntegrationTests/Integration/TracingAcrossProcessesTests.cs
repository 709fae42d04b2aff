using FedHealth.Tests.Support;
using Xunit.Abstractions;

namespace FedHealth.Tests.Integration;

/// <summary>
/// Traces as an operator's collector gets them: a coordinator, three site agents and a dashboard, each its own process
/// on a real RabbitMQ broker, each exporting over OTLP/HTTP (<c>FEDHEALTH_Monitoring__OtlpEndpoint</c>) to one receiver;
/// each round of a secure job is one trace across the processes.
/// </summary>
[Collection(RabbitMqCollection.Name)]
public sealed class TracingAcrossProcessesTests(RabbitMqBroker broker, ITestOutputHelper log) : IAsyncLifetime
{
    private static readonly string[] SiteIds = ["DE-GBSG", "NL-ROTTERDAM-A", "NL-ROTTERDAM-B"];
    private readonly TempFolder temp = new();
    private readonly OtlpCollector collector = new();

    public Task InitializeAsync() => collector.StartAsync();

    [Fact]
    public async Task Each_round_of_a_secure_job_is_one_trace_from_the_coordinator_process_through_every_site_process_over_RabbitMQ()
    {
        string job;
        using (var federation = new ProcessFederation(broker, temp.Path, SiteIds, log, environment: new Dictionary<string, string>
        {
            ["FEDHEALTH_Monitoring__OtlpEndpoint"] = collector.TracesUrl, ["FEDHEALTH_Monitoring__OtlpProtocol"] = "http",
        }))
        {
            await federation.SitesOnline(3);
            var id = await federation.Launch(ProcessFederation.BreastPrognosis(rounds: 2, deadline: TimeSpan.FromSeconds(90)));
            Assert.Equal("completed", (await federation.Ended(id, TimeSpan.FromMinutes(3))).Status);
            job = id.ToString();
            // The exporters send in batches (every 5 s by default): wait for both rounds' spans of every process.
            await Eventually.Get(() => Task.FromResult(Rounds(job).Count == 2
                && collector.Spans.Count(s => s.Name == "site unmask" && RoundTraces(job).Contains(s.TraceId)) >= 2 * SiteIds.Length
                    ? "exported" : null), TimeSpan.FromSeconds(60), "both rounds' spans from the coordinator and every site");
        }

        foreach (var round in Rounds(job))
        {
            Assert.Equal("fedhealth-coordinator", round.Service);
            var trace = collector.Spans.Where(s => s.TraceId == round.TraceId).ToList();
            var training = trace.Where(s => s.Name == "site train").ToList();
            // Distinct: a request the coordinator had to publish again is trained on again, in the same trace.
            Assert.Equal(SiteIds, training.Select(s => s.Attributes["fedhealth.site"]).Distinct().Order(StringComparer.Ordinal));
            Assert.All(training, s => Assert.Equal(("fedhealth-site", round.SpanId), (s.Service, s.ParentSpanId)));
            var aggregation = Assert.Single(trace, s => s.Name == "coordinator aggregate round");
            Assert.Equal(("fedhealth-coordinator", round.SpanId), (aggregation.Service, aggregation.ParentSpanId));
        }
    }

    private List<OtlpCollector.Span> Rounds(string job) =>
        collector.Spans.Where(s => s.Name == "round" && s.Attributes.GetValueOrDefault("fedhealth.job") == job).ToList();

    private HashSet<string> RoundTraces(string job) => Rounds(job).Select(r => r.TraceId).ToHashSet();

    public async Task DisposeAsync()
    {
        await collector.DisposeAsync();
        temp.Dispose();
    }
}
