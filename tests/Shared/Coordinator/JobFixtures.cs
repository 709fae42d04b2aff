using FedHealth.Contracts;
using FedHealth.Learning.Metrics;
using FedHealth.Learning.Models;

namespace FedHealth.Tests.Coordinator;

/// <summary>Small jobs and the messages sites send in them, for the job's rules and actor tests.</summary>
public static class JobFixtures
{
    public static readonly string[] Features = ["a", "b"];
    public static readonly ModelSpec Model = new() { Kind = "logistic", Features = 2 };
    public static readonly ParameterLayout Layout = ParameterLayout.For(Model);

    public static JobSpec Spec(int rounds = 2, int minSites = 2, TimeSpan? deadline = null, IReadOnlyList<string>? sites = null) => new()
    {
        Name = "test job", Schema = "toy", FeatureNames = Features, Model = Model, Rounds = rounds, MinSites = minSites,
        RoundDeadline = deadline ?? TimeSpan.FromMinutes(1), Seed = 1, Sites = sites ?? [], SecureAggregation = false,
    };

    public static UpdateSubmitted Update(Guid job, int round, string site, float[] values, int samples) => new()
    {
        JobId = job, Round = round, SiteId = site, SampleCount = samples, Weights = new FlatParameters(Layout, values).ToWeights(),
        TrainLoss = 0.5, Device = "cpu", TrainSeconds = 0.01,
    };

    public static EvaluationSubmitted Evaluation(Guid job, int round, string site, float[] scores, float[] labels) => new()
    {
        JobId = job, Round = round, SiteId = site,
        Evaluation = new SiteEvaluation
        {
            SiteId = site, Metrics = BinaryMetrics.Compute(scores, labels), Histogram = BinaryMetrics.Histogram(scores, labels),
        },
    };

    /// <summary>Twenty rows ranked perfectly (AUC 1), ten of each class, so the histogram has cells of 10 rather than one bin.</summary>
    public static EvaluationSubmitted GoodEvaluation(Guid job, int round, string site) =>
        Evaluation(job, round, site, [.. Enumerable.Repeat(0.9f, 10), .. Enumerable.Repeat(0.1f, 10)],
            [.. Enumerable.Repeat(1f, 10), .. Enumerable.Repeat(0f, 10)]);

    public static SiteHeartbeat Heartbeat(string site, string schema = "toy") => new()
    {
        SiteId = site, Jurisdiction = "DE", Schema = schema, FeatureNames = Features, TrainSamples = 10, TestSamples = 4,
        Device = "cpu", SentAt = DateTimeOffset.UtcNow,
    };
}
