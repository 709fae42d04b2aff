using FedHealth.Learning.Models;
using FedHealth.Learning.Strategies;

namespace FedHealth.SiteAgent;

/// <summary>
/// FedBN at the site (<see cref="LocalBatchNorm"/>): per job, the batch-norm values this site trained, put in place of
/// the global model's before it trains or scores, and replaced by the global model's in what it sends, so they never
/// leave. Kept in memory: a site agent that restarts mid-job starts again from the global model's values, and says so.
/// </summary>
public sealed class SiteBatchNorm : IJobState
{
    private readonly Dictionary<Guid, float[]> kept = new();

    /// <summary>The global model with this site's own batch-norm values in place, when it has trained them in this job.</summary>
    public FlatParameters Localise(Guid jobId, string mode, FlatParameters global)
    {
        var spans = LocalBatchNorm.Spans(global.Layout, mode);
        lock (kept)
        {
            if (!kept.TryGetValue(jobId, out var own)) return global;
            var values = (float[])global.Values.Clone();
            LocalBatchNorm.Put(values, own, spans);
            return new FlatParameters(global.Layout, values);
        }
    }

    /// <summary>Keeps the trained batch-norm values and gives what leaves: the trained model with the global model's values in their place.</summary>
    public FlatParameters AfterTraining(Guid jobId, string mode, FlatParameters global, FlatParameters trained)
    {
        var spans = LocalBatchNorm.Spans(trained.Layout, mode);
        lock (kept) kept[jobId] = LocalBatchNorm.Take(trained.Values, spans);
        var sent = (float[])trained.Values.Clone();
        LocalBatchNorm.Put(sent, LocalBatchNorm.Take(global.Values, spans), spans);
        return new FlatParameters(trained.Layout, sent);
    }

    public void Forget(Guid jobId)
    {
        lock (kept) kept.Remove(jobId);
    }

    public bool Holds(Guid jobId)
    {
        lock (kept) return kept.ContainsKey(jobId);
    }
}
