using FedHealth.Contracts;

namespace FedHealth.Coordinator.Jobs;

/// <summary>A job's summary as a page reads it.</summary>
public static class JobSummaries
{
    /// <summary>
    /// No page draws a site's score histograms (the pooled AUC's input, per class for multiclass): left out, a round keeps
    /// only its figures.
    /// </summary>
    public static JobSummary WithoutHistograms(JobSummary job) => job with
    {
        Rounds = job.Rounds.Select(r => r with
        {
            Sites = r.Sites.Select(s => s with { Histogram = null, ClassHistograms = null }).ToList(),
            Personalised = r.Personalised.Select(s => s with { Histogram = null, ClassHistograms = null }).ToList(),
        }).ToList(),
    };
}
