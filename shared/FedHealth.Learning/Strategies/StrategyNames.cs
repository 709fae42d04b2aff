using FedHealth.Contracts;

namespace FedHealth.Learning.Strategies;

/// <summary>The strategies a job can name, and what each needs of the round.</summary>
public static class StrategyNames
{
    public const string FedAvg = "fedavg";
    public const string FedProx = "fedprox";
    public const string FedAdam = "fedadam";
    public const string FedYogi = "fedyogi";
    public const string FedAdagrad = "fedadagrad";
    public const string FedMedian = "fedmedian";
    public const string TrimmedMean = "trimmedmean";
    public const string Scaffold = "scaffold";

    public static readonly IReadOnlyList<string> All = [FedAvg, FedProx, FedAdam, FedYogi, FedAdagrad, FedMedian, TrimmedMean, Scaffold];

    /// <summary>Robust rules look at every site's value of every coordinate: secure aggregation only ever reveals the sum.</summary>
    public static bool NeedsIndividualUpdates(string name) => name is FedMedian or TrimmedMean;

    /// <summary>SCAFFOLD: the round carries the server's control variate and every update a control delta beside the model.</summary>
    public static bool UsesControlVariates(string name) => name is Scaffold;

    /// <summary>
    /// Strategies that run on plain (sealed, signed) updates: robust rules need each site's update, and SCAFFOLD's
    /// control deltas would need a masked sum of their own, which secure aggregation does not yet run.
    /// </summary>
    public static bool RunsWithoutSecureAggregation(string name) => NeedsIndividualUpdates(name) || UsesControlVariates(name);

    public static bool UsesServerOptimizer(string name) => name is FedAdam or FedYogi or FedAdagrad;

    /// <summary>Every problem with a job's strategy (and its combination with the rest of the job), each naming the field.</summary>
    public static IEnumerable<string> Problems(JobSpec spec)
    {
        var s = spec.Strategy;
        if (s is null) { yield return "strategy: missing"; yield break; }
        if (!All.Contains(s.Name)) { yield return $"strategy.name: '{s.Name}' is not one of {string.Join(", ", All)}"; yield break; }
        if (NeedsIndividualUpdates(s.Name) && spec.SecureAggregation)
            yield return $"strategy.name: {s.Name} needs each site's update, which secure aggregation hides (it reveals only the sum): turn " +
                "secureAggregation off for it, or choose fedavg, fedprox or a server optimiser";
        if (UsesControlVariates(s.Name))
        {
            // Secure aggregation masks and sums one vector per site: the control deltas would need a second masked sum
            // beside the model's, which it does not run yet.
            if (spec.SecureAggregation)
                yield return $"strategy.name: {s.Name} sends each site's control-variate delta beside its model, which would need its own masked sum under " +
                    "secure aggregation (not available yet): turn secureAggregation off for it";
            // A site's control delta is (x − y)/(Kη) − c: a second release of its data that neither DP mechanism clips, noises or counts.
            if (spec.Privacy is not null)
                yield return $"strategy.name: {s.Name} is not available with record-level DP (privacy): the control-variate delta each site sends is " +
                    "computed from its records outside DP-SGD and its accountant";
            if (spec.SiteLevelPrivacy is not null)
                yield return $"strategy.name: {s.Name} is not available with site-level DP (siteLevelPrivacy): the control-variate delta each site sends " +
                    "would leave unclipped and without noise";
        }
        if (s.Name == FedProx && !(spec.Training?.ProximalMu > 0))
            yield return "training.proximalMu: fedprox needs a positive μ (e.g. 0.01)";
        if (spec.Training is { } t && (!(t.ProximalMu >= 0) || t.ProximalMu > 1000))
            yield return $"training.proximalMu: {t.ProximalMu} must be in [0, 1000]";
        if (UsesServerOptimizer(s.Name))
        {
            if (!(s.ServerLearningRate > 0) || s.ServerLearningRate > 100)
                yield return $"strategy.serverLearningRate: {s.ServerLearningRate} must be in (0, 100]";
            if (!(s.Beta1 is >= 0 and < 1)) yield return $"strategy.beta1: {s.Beta1} must lie in [0, 1)";
            if (s.Name != FedAdagrad && !(s.Beta2 is >= 0 and < 1)) yield return $"strategy.beta2: {s.Beta2} must lie in [0, 1)";
            if (!(s.Tau > 0) || !double.IsFinite(s.Tau)) yield return $"strategy.tau: {s.Tau} must be positive";
        }
        if (s.Name == TrimmedMean && !(s.TrimFraction is >= 0 and < 0.5)) yield return $"strategy.trimFraction: {s.TrimFraction} must lie in [0, 0.5)";
    }
}
