using FedHealth.Learning.Strategies;

namespace FedHealth.SiteAgent;

/// <summary>
/// The site's own SCAFFOLD control variate cᵢ per job, 0 until its first round. Held in memory only: an agent that
/// restarts mid-job starts again from cᵢ = 0 and sends Δcᵢ from there, which the server's c does not cancel, so c no
/// longer equals the mean of the sites' controls exactly. SCAFFOLD tolerates that as a stale control (as it does a
/// site that sat out rounds): the correction is less precise for a while, and the model is still fedavg's average.
/// Callers hold the agent's torch lock.
/// </summary>
public sealed class SiteControlVariates : IJobState
{
    private readonly Dictionary<Guid, float[]> controls = new();

    /// <summary>cᵢ for the job, or zeros when the site has none yet (or one of another length: the job cannot have changed its model).</summary>
    public float[] For(Guid jobId, int length) =>
        controls.TryGetValue(jobId, out var c) && c.Length == length ? c : new float[length];

    /// <summary>
    /// The round's control step from the global model to the trained one after <paramref name="steps"/> local steps at
    /// <paramref name="learningRate"/>: keeps cᵢ⁺ and returns Δcᵢ to send. Once per round: the agent caches its answer.
    /// </summary>
    public float[] AfterTraining(Guid jobId, float[] serverControl, ReadOnlySpan<float> global, ReadOnlySpan<float> local, int steps, double learningRate)
    {
        var (next, delta) = ScaffoldControl.SiteUpdate(For(jobId, global.Length), serverControl, global, local, steps, learningRate);
        controls[jobId] = next;
        return delta;
    }

    /// <summary>The job is over (its final evaluation, or it ended otherwise): its control is no longer needed.</summary>
    public void Forget(Guid jobId) => controls.Remove(jobId);

    public bool Holds(Guid jobId) => controls.ContainsKey(jobId);
}
