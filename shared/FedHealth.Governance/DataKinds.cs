using FedHealth.Contracts;

namespace FedHealth.Governance;

/// <summary>
/// What a transfer carries. There is no kind for records: the contracts cannot carry one, and a policy cannot allow one.
/// </summary>
public static class DataKinds
{
    public const string MaskedModelUpdate = "maskedModelUpdate";
    public const string ModelUpdate = "modelUpdate";
    public const string AggregateMetrics = "aggregateMetrics";
    public const string KeyExchange = "keyExchange";
    public const string GlobalModel = "globalModel";
    /// <summary>A site's personal model, shared for cross-site evaluation: it goes to the coordinator and on to every other participant.</summary>
    public const string PersonalModel = "personalModel";

    /// <summary>Kinds a site may send (a site policy lists which of these it allows).</summary>
    public static readonly IReadOnlyList<string> FromSites = [MaskedModelUpdate, ModelUpdate, AggregateMetrics, KeyExchange, PersonalModel];
    public static readonly IReadOnlyList<string> All = [.. FromSites, GlobalModel];

    /// <summary>
    /// What <paramref name="message"/> carries, in either direction: the one map the coordinator's ledger and a site's
    /// transfer gate and audit log both use. Null for a control message (a decline, a heartbeat, a job's end), which
    /// carries no data of the federation.
    /// </summary>
    public static string? Of(object message) => message switch
    {
        MaskedUpdateSubmitted => MaskedModelUpdate,
        UpdateSubmitted or SealedUpdateSubmitted => ModelUpdate,
        EvaluationSubmitted { PersonalModel: not null } => PersonalModel,
        EvaluationSubmitted or CrossSiteEvaluationSubmitted => AggregateMetrics,
        MaskingKeysAdvertised or GraphSeedRevealed or SharesSubmitted or UnmaskingSharesSubmitted => KeyExchange,
        MaskingKeysCollected or GraphSeedsRevealed or SharesRelayed or UnmaskingRequested => KeyExchange,
        RoundStarted or EvaluationRequested => GlobalModel,
        CrossSiteEvaluationRequested c => c.Candidates.Count > 1 ? PersonalModel : GlobalModel,
        _ => null,
    };
}

/// <summary>Legal bases a transfer may rest on (GDPR chapter V and their counterparts).</summary>
public static class LegalBases
{
    public static readonly IReadOnlyList<string> All =
        ["adequacyDecision", "standardContractualClauses", "bindingCorporateRules", "consent", "researchExemption", "publicInterest", "sameRegime"];
}
