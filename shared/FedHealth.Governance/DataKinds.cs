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
}

/// <summary>Legal bases a transfer may rest on (GDPR chapter V and their counterparts).</summary>
public static class LegalBases
{
    public static readonly IReadOnlyList<string> All =
        ["adequacyDecision", "standardContractualClauses", "bindingCorporateRules", "consent", "researchExemption", "publicInterest", "sameRegime"];
}
