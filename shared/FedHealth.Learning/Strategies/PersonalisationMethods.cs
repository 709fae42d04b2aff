using FedHealth.Contracts;

namespace FedHealth.Learning.Strategies;

/// <summary>The personalisation methods a job can ask for, and the combinations it must refuse.</summary>
public static class PersonalisationMethods
{
    public const string FineTune = "finetune";
    public const string Ditto = "ditto";
    public static readonly IReadOnlyList<string> All = [FineTune, Ditto];

    public static IEnumerable<string> Problems(JobSpec spec)
    {
        if (spec.Personalisation is not { } p) yield break;
        if (!All.Contains(p.Method)) { yield return $"personalisation.method: '{p.Method}' is not one of {string.Join(", ", All)}"; yield break; }
        if (p.Method == FineTune && p.Epochs is < 1 or > 1000) yield return $"personalisation.epochs: {p.Epochs} is outside 1..1000";
        if (p.Method == Ditto && (!(p.Lambda > 0) || p.Lambda > 1000)) yield return $"personalisation.lambda: {p.Lambda} must be in (0, 1000]";
        if (p.Method != FineTune && p.EarlyStopping) yield return "personalisation.earlyStopping: only for finetune";
        // The personal model trains on records too: without DP that training would sit outside every site's privacy accounting.
        if (spec.Privacy is not null)
            yield return "personalisation: not yet available with record-level DP (privacy), whose accountant does not count the personal model's training";
        // Cross-site evaluation sends each site's personal model on: one site's model is exactly what secure
        // aggregation keeps from the coordinator and what site-level DP's noise is there to blur.
        if (p.CrossSiteEvaluation && spec.SecureAggregation)
            yield return "personalisation.crossSiteEvaluation: refused with secureAggregation, which exists so that no single site's model leaves it " +
                "readable; turn one of them off";
        if (p.CrossSiteEvaluation && spec.SiteLevelPrivacy is not null)
            yield return "personalisation.crossSiteEvaluation: refused with siteLevelPrivacy, whose noise protects each site's contribution and would not " +
                "cover its personal model";
    }
}
