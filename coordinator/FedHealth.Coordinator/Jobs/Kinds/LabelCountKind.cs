using FedHealth.Contracts;
using FedHealth.Privacy.SecureAggregation;

namespace FedHealth.Coordinator.Jobs.Kinds;

/// <summary>
/// Rows per label across the sites, under secure sum: each site's input is its count of each label then its total,
/// and the coordinator learns only the consortium's sums. One round; a total from 1 to <see cref="ScoreHistogram.MinCell"/>
/// − 1 is withheld from the report like any small cell. Written only against the kernel: this file is the whole kind.
/// </summary>
public sealed class LabelCountKind : IJobKind
{
    /// <summary>The labels of today's schemas (binary outcomes), in the order of the summed vector.</summary>
    public static readonly IReadOnlyList<string> Labels = ["0", "1"];

    public LabelCountReport? Report { get; private set; }

    public string CollectingStatus => "counting";

    public int SecureInputLength(JobState job) => Labels.Count + 1;

    public ICollectionRequest CollectionRequest(JobState job, string? ledgerHead) => new CountRequested
    {
        JobId = job.JobId, Round = job.Round, Attempt = job.Attempt, Schema = job.Spec.Schema, FeatureNames = job.Spec.FeatureNames, Labels = Labels,
        SecureRound = job.SecureSettings ?? throw new InvalidOperationException($"job {job.JobId}: a count runs only under secure aggregation"),
        Participants = job.Participants, Deadline = job.Deadline, Governance = job.Governance, LedgerHead = ledgerHead,
    };

    public IReadOnlyList<IJobEvent> FoldSecureSum(JobState job, SecureSum sum)
    {
        var counts = sum.Values.Select(job.Ring.Decode).ToArray();
        // Each site sent whole, non-negative counts whose labels add up to its total: so must their sum.
        if (counts.Any(c => !(c >= 0) || Math.Abs(c - Math.Round(c)) > 1e-3) || Math.Abs(counts[..^1].Sum() - counts[^1]) > 1e-3)
        {
            var shown = string.Join(", ", counts.Select(c => c.ToString("G6")));
            return job.RetryOrFail($"the summed counts ({shown}) are not whole, non-negative counts that add up", sum.At);
        }
        var rows = counts.Select(c => (long)Math.Round(c)).ToArray();
        var report = new LabelCountReport
        {
            Labels = Labels.Select((label, i) => new LabelCount { Label = label, Rows = Shown(rows[i]) }).ToList(),
            TotalRows = Shown(rows[^1]), Contributors = sum.Survivors.ToList(), LeftOut = sum.LeftOut,
            SuppressedBelow = ScoreHistogram.MinCell, CompletedAt = sum.At,
        };
        var total = Shown(rows[^1]) is { } shownTotal ? shownTotal.ToString() : $"fewer than {ScoreHistogram.MinCell}";
        return [new LabelCountsClosed(report), new JobFinished(JobOutcome.Completed, $"counted {total} rows at {sum.Survivors.Count} sites", sum.At)];
    }

    private static long? Shown(long rows) => rows is > 0 and < ScoreHistogram.MinCell ? null : rows;

    /// <summary>A count has no step after its collection: its fold ends the job.</summary>
    public (IAnswerStep Step, DateTimeOffset Deadline)? StepOpenedBy(IJobEvent e) => null;

    public void Apply(IJobEvent e)
    {
        if (e is LabelCountsClosed closed) Report = closed.Report;
    }

    public JobSummary Describe(JobSummary summary) => summary with { LabelCounts = Report };
}
