namespace FedHealth.SiteAgent;

/// <summary>
/// Something a site keeps in memory for a job while it runs (answers, attempts, personal models, control variates,
/// secure-round sessions, where the job's parties are). The agent forgets them all when the job ends, and reports
/// whether any still holds state, through this one interface, so a new kind of state cannot be left out of either.
/// </summary>
public interface IJobState
{
    /// <summary>Lets go of everything kept for <paramref name="jobId"/>.</summary>
    void Forget(Guid jobId);

    /// <summary>Whether anything is still kept for <paramref name="jobId"/>.</summary>
    bool Holds(Guid jobId);
}
