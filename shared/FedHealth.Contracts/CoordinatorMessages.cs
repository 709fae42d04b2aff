namespace FedHealth.Contracts;

/// <summary>Marker for messages the coordinator sends to the sites of a job.</summary>
public interface IRoundMessage : IJobMessage
{
    int Round { get; }
}

/// <summary>
/// A request that opens a round's collection step, whatever the job's kind: each site admits it by its policy,
/// computes its contribution locally and sends it masked (secure sum), sealed, or declines. Training's request is
/// <see cref="RoundStarted"/>; a count of rows per label is <see cref="CountRequested"/>.
/// </summary>
public interface ICollectionRequest : IRoundMessage
{
    int Attempt { get; }
    string Schema { get; }
    IReadOnlyList<string> FeatureNames { get; }
    SecureRoundSettings? SecureRound { get; }
    RoundSealing? Sealing { get; }
    IReadOnlyList<string> Participants { get; }
    DateTimeOffset Deadline { get; }
    JobGovernance? Governance { get; }
    string? LedgerHead { get; }
}

/// <summary>The coordinator asking the job's sites to train one round from the given global weights.</summary>
public sealed record RoundStarted : ICollectionRequest
{
    public required Guid JobId { get; init; }
    public required int Round { get; init; }
    /// <summary>Which attempt at this round (a round too few sites finished is tried again); sites ignore older attempts.</summary>
    public int Attempt { get; init; } = 1;
    public required string Schema { get; init; }
    public required IReadOnlyList<string> FeatureNames { get; init; }
    public required ModelSpec Model { get; init; }
    public required TrainingPlan Training { get; init; }
    public DpSgdSettings? Privacy { get; init; }
    public SiteLevelDpSettings? SiteLevelPrivacy { get; init; }
    /// <summary>Set when the round runs secure aggregation: sites then answer with keys, shares and a masked update.</summary>
    public SecureRoundSettings? SecureRound { get; init; }
    /// <summary>Set when the coordinator holds consortium keys: every update must then be sealed and signed with this nonce.</summary>
    public RoundSealing? Sealing { get; init; }
    public required int Seed { get; init; }
    public required ModelWeights GlobalWeights { get; init; }
    public required IReadOnlyList<string> Participants { get; init; }
    public required DateTimeOffset Deadline { get; init; }
    /// <summary>Where the job's parties are, so each site can apply its own transfer policy.</summary>
    public JobGovernance? Governance { get; init; }
    /// <summary>The transfer ledger's head when the round started; sites keep it to cross-check the ledger later.</summary>
    public string? LedgerHead { get; init; }
    /// <summary>The job's personalisation: with ditto, each site also trains its personal model this round.</summary>
    public PersonalisationSpec? Personalisation { get; init; }
    /// <summary>
    /// SCAFFOLD's server control variate c (zeros in round 1): one float32 tensor named "c" of shape [n], n the model's
    /// flat parameter count. Each site corrects its local gradients by c − cᵢ and answers with a control delta. Null
    /// for every other strategy; its presence is what tells a site the job runs SCAFFOLD.
    /// </summary>
    public ModelWeights? ServerControl { get; init; }
    /// <summary>FedBN: what of each batch-norm layer stays at the site (<see cref="StrategySpec.LocalBatchNorm"/>); null for none.</summary>
    public string? LocalBatchNorm { get; init; }
}

/// <summary>The coordinator asking the job's sites to evaluate a round's aggregated model on their held-out rows.</summary>
public sealed record EvaluationRequested : IRoundMessage
{
    public required Guid JobId { get; init; }
    public required int Round { get; init; }
    public required ModelSpec Model { get; init; }
    public required ModelWeights GlobalWeights { get; init; }
    public required IReadOnlyList<string> Participants { get; init; }
    public required DateTimeOffset Deadline { get; init; }
    /// <summary>The job's personalisation; with <see cref="Final"/>, the site also scores its personal model.</summary>
    public PersonalisationSpec? Personalisation { get; init; }
    /// <summary>True for the last round's evaluation.</summary>
    public bool Final { get; init; }
    /// <summary>How the job trains locally (fine-tuning uses the same learning rate and batch size).</summary>
    public TrainingPlan? Training { get; init; }
    /// <summary>FedBN: the site scores the global model with its own batch-norm values (<see cref="StrategySpec.LocalBatchNorm"/>).</summary>
    public string? LocalBatchNorm { get; init; }
}

/// <summary>
/// The coordinator telling a job's sites that it has ended (completed, failed or stopped for good): whatever a site
/// keeps in memory for it (cached answers, SCAFFOLD's control, a Ditto model, secure-aggregation keys) can go. A notice
/// carrying no data; a paused job has not ended.
/// </summary>
public sealed record JobClosed : IRoundMessage
{
    public required Guid JobId { get; init; }
    /// <summary>The round the job stood in when it ended.</summary>
    public required int Round { get; init; }
    public required string Outcome { get; init; }
    public required IReadOnlyList<string> Participants { get; init; }
}

/// <summary>The coordinator telling a site its message was refused, and why, so the site's log says so too.</summary>
public sealed record UpdateRefused : IRoundMessage
{
    public required Guid JobId { get; init; }
    public required int Round { get; init; }
    public required string SiteId { get; init; }
    public required string Reason { get; init; }
}
