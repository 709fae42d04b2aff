namespace FedHealth.Contracts;

/// <summary>Marker for messages a site agent sends to the coordinator.</summary>
public interface ISiteMessage
{
    string SiteId { get; }
}

/// <summary>A site saying it is online, what it can train on, and on which device. Sent at start and periodically.</summary>
public sealed record SiteHeartbeat : ISiteMessage
{
    public required string SiteId { get; init; }
    public required string Jurisdiction { get; init; }
    public required string Schema { get; init; }
    public required IReadOnlyList<string> FeatureNames { get; init; }
    /// <summary>
    /// The task the site's label holds (<see cref="ModelTasks"/>): "survival" for a time-to-event label, "multiclass" or
    /// "regression" for those label kinds, else "binary"; null from a site that does not say. A job's model must predict it (the
    /// site declines another), so the dashboard's form takes it from here.
    /// </summary>
    public string? Task { get; init; }
    /// <summary>Multiclass: how many classes the site's schema declares (a job's model must end in as many outputs); null otherwise.</summary>
    public int? Classes { get; init; }
    public required int TrainSamples { get; init; }
    public required int TestSamples { get; init; }
    public required string Device { get; init; }
    /// <summary>True when the site is a simulated hospital (a split of a real cohort), not a real one.</summary>
    public bool Simulated { get; init; }
    public string? Description { get; init; }
    /// <summary>What the site's own policy allows; null when the site runs without a policy file.</summary>
    public PolicySummary? Policy { get; init; }
    /// <summary>What the site is doing ("idle", or "training job … round …"): heartbeats keep coming during long training.</summary>
    public string Activity { get; init; } = "idle";
    /// <summary>The version of the consortium file the site holds: a coordinator holding a newer one relays it (<see cref="ConsortiumChanged"/>).</summary>
    public int ConsortiumVersion { get; init; }
    public required DateTimeOffset SentAt { get; init; }
    /// <summary>
    /// The site's signature (its consortium signing key) over everything above: a coordinator with consortium keys
    /// takes a heartbeat only from the site it names, and only one newer than the last (no replays).
    /// </summary>
    public byte[]? Signature { get; init; }
}

/// <summary>A site's locally trained weights for one round, with the number of rows they were trained on.</summary>
public sealed record UpdateSubmitted : ISiteRoundMessage
{
    public required Guid JobId { get; init; }
    public required int Round { get; init; }
    public required string SiteId { get; init; }
    public required int SampleCount { get; init; }
    public required ModelWeights Weights { get; init; }
    public required double TrainLoss { get; init; }
    public required string Device { get; init; }
    public required double TrainSeconds { get; init; }
    /// <summary>The site's privacy loss after this round, when the job trains with DP-SGD.</summary>
    public PrivacySpent? Privacy { get; init; }
    /// <summary>
    /// SCAFFOLD only: Δcᵢ = cᵢ⁺ − cᵢ, how far the site's control variate moved this round, laid out like
    /// <see cref="RoundStarted.ServerControl"/> (one float32 tensor "c" of shape [n]). Must be set in a SCAFFOLD job and
    /// absent in any other.
    /// </summary>
    public ModelWeights? ControlDelta { get; init; }
}

/// <summary>A site's evaluation of a round's aggregated global model on its own held-out rows.</summary>
public sealed record EvaluationSubmitted : ISiteRoundMessage
{
    public required Guid JobId { get; init; }
    public required int Round { get; init; }
    public required string SiteId { get; init; }
    public required SiteEvaluation Evaluation { get; init; }
    /// <summary>The site's personal model on the same held-out rows (the last round of a personalised job), else null.</summary>
    public SiteEvaluation? Personalised { get; init; }
    /// <summary>
    /// The personal model itself, only when the job asks for cross-site evaluation and the site's policy lets
    /// personal models go (data kind personalModel) to the coordinator and every other participant's jurisdiction.
    /// </summary>
    public ModelWeights? PersonalModel { get; init; }
    /// <summary>Why a cross-site job's personal model stays at the site (its policy, a protected job); null when sent or not asked for.</summary>
    public string? PersonalModelWithheld { get; init; }
}

/// <summary>A site declining a round (it cannot train on this schema or model), with the reason.</summary>
public sealed record RoundDeclined : ISiteRoundMessage
{
    public required Guid JobId { get; init; }
    public required int Round { get; init; }
    public required string SiteId { get; init; }
    public required string Reason { get; init; }
    /// <summary>
    /// The attempt of the round the site declines, when it knows it (a training request or a secure step of that
    /// attempt). A decline redelivered after a later attempt opened is then told apart and ignored; null counts as
    /// the current attempt.
    /// </summary>
    public int? Attempt { get; init; }
    /// <summary>True when the site declined because the round would exceed its privacy budget.</summary>
    public bool BudgetExhausted { get; init; }
    /// <summary>Set when the site's policy refused to send something: the coordinator's ledger records the refusal.</summary>
    public RefusedTransfer? RefusedTransfer { get; init; }
}
