using FedHealth.Contracts;
using FedHealth.Learning.Metrics;

namespace FedHealth.Cli.Bench;

/// <summary>
/// A simulated site's answer to an evaluation request, for benches that measure the coordinator, not learning: twenty
/// held-out rows, half positive, with fixed scores spread enough that the histogram has more than one bin.
/// </summary>
internal static class SimulatedEvaluation
{
    private static readonly float[] Scores = Enumerable.Range(0, 20).Select(i => i < 10 ? 0.8f - i * 0.01f : 0.2f + i * 0.01f).ToArray();
    private static readonly float[] Labels = Enumerable.Range(0, 20).Select(i => i < 10 ? 1f : 0f).ToArray();

    public static EvaluationSubmitted Of(EvaluationRequested request, string site) => new()
    {
        JobId = request.JobId, Round = request.Round, SiteId = site,
        Evaluation = new SiteEvaluation { SiteId = site, Metrics = BinaryMetrics.Compute(Scores, Labels), Histogram = BinaryMetrics.Histogram(Scores, Labels) },
    };
}
