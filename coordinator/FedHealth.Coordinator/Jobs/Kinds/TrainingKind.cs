using FedHealth.Contracts;

namespace FedHealth.Coordinator.Jobs.Kinds;

/// <summary>
/// Federated training, the first kind: a round trains at every site from the global model, the (masked) updates are
/// summed into the next global model by the job's strategy, then the sites evaluate it (and, after a personalised job's
/// last round, score every final model). Its fold, strategy and evaluation steps live in <see cref="JobState"/>'s
/// training files (<c>JobState.Strategy.cs</c>, <c>JobState.CrossSite.cs</c>, the evaluation in <c>JobState.cs</c>).
/// </summary>
public sealed class TrainingKind : IJobKind
{
    public string CollectingStatus => "training";

    /// <summary>Σ nᵢ·wᵢ, then Σ nᵢ: the weighted average without any site's weights or sample count showing.</summary>
    public int SecureInputLength(JobState job) => job.Layout.TotalCount + 1;

    public ICollectionRequest CollectionRequest(JobState job, string? ledgerHead) => new RoundStarted
    {
        JobId = job.JobId, Round = job.Round, Attempt = job.Attempt, Schema = job.Spec.Schema, FeatureNames = job.Spec.FeatureNames,
        Model = job.Spec.Model, Training = job.Spec.Training, Privacy = job.Spec.Privacy, SiteLevelPrivacy = job.Spec.SiteLevelPrivacy,
        SecureRound = job.SecureSettings, Sealing = job.Sealing, Seed = job.Spec.Seed, GlobalWeights = job.GlobalWeights,
        Participants = job.Participants, Deadline = job.Deadline, Governance = job.Governance, LedgerHead = ledgerHead,
        Personalisation = job.Spec.Personalisation, ServerControl = job.ServerControl,
    };

    public IReadOnlyList<IJobEvent> FoldSecureSum(JobState job, SecureSum sum) => [job.FoldTrainingSum(sum)];

    public void Apply(IJobEvent e) { }

    public JobSummary Describe(JobSummary summary) => summary;
}
