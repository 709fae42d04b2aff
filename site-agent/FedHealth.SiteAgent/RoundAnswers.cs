using FedHealth.Contracts;

namespace FedHealth.SiteAgent;

/// <summary>
/// What the site answered per (job, round), and the latest attempt it heard of each round. A round requested again
/// (after a coordinator restart) gets the same answer back instead of a second training, which would release a second
/// noisy output of the same data; a broker that comes back may redeliver an earlier attempt after a later one, which is
/// then not answered. Not thread-safe: the agent holds its lock.
/// </summary>
public sealed class RoundAnswers : IJobState
{
    private readonly Dictionary<(Guid Job, int Round), ISiteRoundMessage> answered = new();
    private readonly Dictionary<(Guid Job, int Round), int> latestAttempt = new();

    /// <summary>Records <paramref name="attempt"/> as heard; false when a later attempt of the round was heard already.</summary>
    public bool IsLatest(Guid job, int round, int attempt)
    {
        if (latestAttempt.TryGetValue((job, round), out var latest) && attempt < latest) return false;
        latestAttempt[(job, round)] = attempt;
        return true;
    }

    public bool TryGet(Guid job, int round, out ISiteRoundMessage answer) => answered.TryGetValue((job, round), out answer!);

    /// <summary>Keeps <paramref name="answer"/> for the round and drops the job's earlier rounds' answers.</summary>
    public ISiteRoundMessage Remember(Guid job, int round, ISiteRoundMessage answer)
    {
        foreach (var old in answered.Keys.Where(k => k.Job == job && k.Round < round).ToList()) answered.Remove(old);
        return answered[(job, round)] = answer;
    }

    public void Forget(Guid jobId)
    {
        foreach (var key in answered.Keys.Where(k => k.Job == jobId).ToList()) answered.Remove(key);
        foreach (var key in latestAttempt.Keys.Where(k => k.Job == jobId).ToList()) latestAttempt.Remove(key);
    }

    public bool Holds(Guid jobId) => answered.Keys.Any(k => k.Job == jobId) || latestAttempt.Keys.Any(k => k.Job == jobId);
}
