using System.Collections.Concurrent;
using System.Diagnostics;
using FedHealth.Cli.Local;
using FedHealth.Monitoring;
using FedHealth.Tests.Support;

namespace FedHealth.Tests.Local;

/// <summary>
/// A round is one trace: the coordinator's round span, each site's spans for the round's requests (children of the
/// round's span through the trace header on the bus) and the coordinator's aggregation, seen by an in-process
/// listener while a local federation (coordinator and four site agents, secure aggregation) trains.
/// </summary>
public sealed class RoundTracingTests : IDisposable
{
    private static readonly string[] Sites = ["DE-GBSG", "NL-ROTTERDAM-A", "NL-ROTTERDAM-B", "NL-ROTTERDAM-C"];
    private readonly TempFolder temp = new();

    [Fact]
    public async Task Each_round_is_one_trace_from_the_coordinator_through_every_sites_training_and_submission_to_the_aggregation()
    {
        var spans = new ConcurrentQueue<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == FederationTracing.SourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = spans.Enqueue,
        };
        ActivitySource.AddActivityListener(listener);

        var run = await new LocalFederation(new LocalRunOptions
        {
            Rounds = 2, Seed = 1, Headless = true, DataDir = temp.Path, FederationDir = LocalRunOptions.DefaultFederationDir(),
        }, TextWriter.Null).Run(new CancellationTokenSource(TimeSpan.FromMinutes(5)).Token);
        Assert.Equal("completed", run.Summary.Outcome);

        var job = run.Summary.JobId.ToString();
        var rounds = spans.Where(s => s.OperationName == "round" && (string?)s.GetTagItem("fedhealth.job") == job)
            .OrderBy(s => (int)s.GetTagItem("fedhealth.round")!).ToList();
        Assert.Equal([1, 2], rounds.Select(r => (int)r.GetTagItem("fedhealth.round")!));
        Assert.Equal(2, rounds.Select(r => r.TraceId).Distinct().Count());
        foreach (var round in rounds)
        {
            Assert.Equal(default, round.ParentSpanId);
            var trace = spans.Where(s => s.TraceId == round.TraceId).ToList();
            // Every site trained for the round as a child of the coordinator's round span, and submitted inside that work.
            var training = trace.Where(s => s.OperationName == "site train").ToList();
            // Distinct: a request the coordinator had to publish again is trained on again, in the same trace.
            Assert.Equal(Sites, training.Select(s => (string)s.GetTagItem("fedhealth.site")!).Distinct().Order(StringComparer.Ordinal));
            Assert.All(training, s => Assert.Equal(round.SpanId, s.ParentSpanId));
            var trainingIds = training.Select(s => s.SpanId).ToHashSet();
            Assert.Equal(Sites, trace.Where(s => s.OperationName == "site submit" && trainingIds.Contains(s.ParentSpanId))
                .Select(s => (string)s.GetTagItem("fedhealth.site")!).Distinct().Order(StringComparer.Ordinal));
            // The secure sum's later steps at each site belong to the same trace.
            Assert.Equal(Sites, trace.Where(s => s.OperationName == "site unmask").Select(s => (string)s.GetTagItem("fedhealth.site")!)
                .Distinct().Order(StringComparer.Ordinal));
            // The coordinator folded the answers and aggregated the round once, as children of the round span.
            var aggregation = Assert.Single(trace, s => s.DisplayName == "coordinator aggregate round");
            Assert.Equal(round.SpanId, aggregation.ParentSpanId);
            Assert.Contains(trace, s => s.OperationName.StartsWith("coordinator fold", StringComparison.Ordinal) && s.ParentSpanId == round.SpanId);
            Assert.All(trace, s => Assert.InRange(s.StartTimeUtc, round.StartTimeUtc, round.StartTimeUtc + round.Duration));
        }
    }

    public void Dispose() => temp.Dispose();
}
