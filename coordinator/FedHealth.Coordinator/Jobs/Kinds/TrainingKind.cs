using FedHealth.Contracts;
using FedHealth.Learning.Codec;
using FedHealth.Learning.Models;

namespace FedHealth.Coordinator.Jobs.Kinds;

/// <summary>
/// Federated training, the first kind. Its steps: a round trains at every site from the global model (the collection
/// step), the (masked) updates are summed into the next global model by the job's strategy, then the sites evaluate it
/// (<see cref="EvaluationStep"/>); after a personalised job's last round they score every final model when the job asks
/// for it (<see cref="CrossSiteStep"/>). The fold of a round's updates and the strategy live in the kernel's training
/// files (<c>JobState.Strategy.cs</c>, the plain round in <c>JobState.cs</c>), since the secure protocol is built around them.
/// </summary>
public sealed class TrainingKind : IJobKind
{
    private readonly EvaluationStep evaluation;
    private readonly CrossSiteStep crossSite;
    /// <summary>The personal models the sites shared with their last evaluation, for cross-site scoring; or why each was withheld.</summary>
    private readonly Dictionary<string, ModelWeights> personalModels = new();
    private readonly Dictionary<string, string> personalWithheld = new();
    /// <summary>The sites that scored their personal model in the last round's evaluation.</summary>
    private readonly HashSet<string> personallyEvaluated = new();

    public TrainingKind()
    {
        evaluation = new EvaluationStep(this);
        crossSite = new CrossSiteStep(this);
    }

    /// <summary>The job report's cross-site matrix once scored; null before, or for a job that did not ask for one.</summary>
    public CrossSiteReport? CrossSite { get; private set; }

    public string CollectingStatus => "training";

    /// <summary>Σ nᵢ·wᵢ, then Σ nᵢ: the weighted average without any site's weights or sample count showing.</summary>
    public int SecureInputLength(JobState job) => job.Layout.TotalCount + 1;

    public ICollectionRequest CollectionRequest(JobState job, string? ledgerHead) => new RoundStarted
    {
        JobId = job.JobId, Round = job.Round, Attempt = job.Attempt, Schema = job.Spec.Schema, FeatureNames = job.Spec.FeatureNames,
        Model = job.Spec.Model, Training = job.Spec.Training, Privacy = job.Spec.Privacy, SiteLevelPrivacy = job.Spec.SiteLevelPrivacy,
        SecureRound = job.SecureSettings, Sealing = job.Sealing, Seed = job.Spec.Seed, GlobalWeights = job.GlobalWeights,
        Participants = job.Participants, Deadline = job.Deadline, Governance = job.Governance, LedgerHead = ledgerHead,
        Personalisation = job.Spec.Personalisation, ServerControl = job.ServerControl, LocalBatchNorm = job.Spec.Strategy.LocalBatchNorm,
    };

    public IReadOnlyList<IJobEvent> FoldSecureSum(JobState job, SecureSum sum) => [job.FoldTrainingSum(sum)];

    /// <summary>The aggregation opens the round's evaluation; the last round's close may open cross-site scoring.</summary>
    public (IAnswerStep Step, DateTimeOffset Deadline)? StepOpenedBy(IJobEvent e) => e switch
    {
        RoundAggregated a => (evaluation, a.EvaluationDeadline),
        CrossSiteStarted s => (crossSite, s.Deadline),
        _ => null,
    };

    public void Apply(IJobEvent e)
    {
        switch (e)
        {
            case EvaluationReceived v:
                if (v.Personalised is not null) personallyEvaluated.Add(v.Evaluation.SiteId);
                if (v.PersonalModel is { } model) personalModels[v.Evaluation.SiteId] = model;
                if (v.PersonalModelWithheld is { } why) personalWithheld[v.Evaluation.SiteId] = why;
                break;
            case CrossSiteClosed c:
                CrossSite = c.Report;
                personalModels.Clear();
                break;
        }
    }

    public JobSummary Describe(JobSummary summary) => summary with { CrossSite = CrossSite };

    public static bool WantsCrossSite(JobSpec spec) => spec.Personalisation is { CrossSiteEvaluation: true };

    /// <summary>After the last round: cross-site evaluation when the job asks for it, else the end.</summary>
    internal IJobEvent AfterLastRound(JobState job, DateTimeOffset now) =>
        WantsCrossSite(job.Spec) ? new CrossSiteStarted(job.Round, now + job.Spec.RoundDeadline, now) : Completed(job, now);

    internal static JobFinished Completed(JobState job, DateTimeOffset now) => new(JobOutcome.Completed, $"{job.Spec.Rounds} rounds", now);

    /// <summary>What the sites are asked to score: the global model, then each shared personal model by site id.</summary>
    public IReadOnlyList<CrossSiteCandidate> CrossSiteCandidates(JobState job) =>
    [
        new CrossSiteCandidate { Weights = job.GlobalWeights },
        .. personalModels.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => new CrossSiteCandidate { PersonalOf = p.Key, Weights = p.Value }),
    ];

    /// <summary>The sites whose personal model is not in the matrix, each with the reason.</summary>
    internal IReadOnlyList<SiteLeftOut> Withheld(JobState job) => job.Participants.Where(p => !personalModels.ContainsKey(p)).Select(p => new SiteLeftOut
    {
        SiteId = p,
        Reason = personalWithheld.GetValueOrDefault(p)
            ?? (personallyEvaluated.Contains(p) ? "not sent" : "no personal model: the site sent no final evaluation of one"),
    }).ToList();

    /// <summary>What a site's last evaluation may carry besides figures: its personal model, only when asked for, and well-formed.</summary>
    internal string? PersonalModelProblem(JobState job, EvaluationSubmitted e)
    {
        if (e.PersonalModel is null) return null;
        var wanted = WantsCrossSite(job.Spec);
        if (!wanted || job.Round < job.Spec.Rounds)
            return $"{e.SiteId} sent its personal model, which this job does not ask for{(wanted ? $" before round {job.Spec.Rounds}" : "")}";
        if (e.Personalised is null) return $"{e.SiteId} sent a personal model without its evaluation on its own rows";
        try { FlatParameters.Validate(job.Layout, e.PersonalModel); }
        catch (InvalidPayloadException bad) { return $"personal model of {e.SiteId}: {bad.Message}"; }
        return null;
    }
}
