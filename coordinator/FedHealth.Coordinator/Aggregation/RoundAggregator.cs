using FedHealth.Contracts;
using FedHealth.Learning.Models;
using FedHealth.Learning.Strategies;

namespace FedHealth.Coordinator.Aggregation;

/// <summary>
/// Collects one round's plain updates for the job's strategy. Averaging strategies fold each update into a running
/// weighted sum (one model in memory whatever the number of sites); robust ones (median, trimmed mean) must keep a
/// copy of every site's model, since each coordinate is judged across all sites. SCAFFOLD also sums the sites'
/// control deltas (unweighted, in double), for the server's control step.
/// </summary>
public sealed class RoundAggregator(ParameterLayout layout, StrategySpec strategy)
{
    private readonly WeightedAverage? sum = StrategyNames.NeedsIndividualUpdates(strategy.Name) ? null : new WeightedAverage(layout.TotalCount);
    private readonly Dictionary<string, float[]> individual = new();
    private readonly double[]? controlSum = StrategyNames.UsesControlVariates(strategy.Name) ? new double[layout.TotalCount] : null;

    public int Count => sum?.Count ?? individual.Count;

    /// <param name="controlDelta">SCAFFOLD's Δcᵢ, already checked against the layout; ignored by every other strategy.</param>
    public void Add(string siteId, ModelWeights weights, double samples, ModelWeights? controlDelta = null)
    {
        if (sum is not null) sum.Add(layout, weights, samples);
        else individual[siteId] = FlatParameters.FromWeights(layout, weights).Values;
        if (controlSum is not null && controlDelta is not null) AddControl(controlSum, controlDelta);
    }

    /// <summary>SCAFFOLD: Σ Δcᵢ over the round's updates, with one more not added yet (the one closing the round) when given; null for other
    /// strategies.</summary>
    public double[]? ControlSum(ModelWeights? pendingDelta = null)
    {
        if (controlSum is null) return null;
        var result = (double[])controlSum.Clone();
        if (pendingDelta is not null) AddControl(result, pendingDelta);
        return result;
    }

    private void AddControl(double[] into, ModelWeights delta)
    {
        var values = ScaffoldControl.Decode(delta, layout.TotalCount);
        for (var i = 0; i < into.Length; i++) into[i] += values[i];
    }

    /// <summary>The round's aggregate, with one more update not added yet (the one closing the round) when given.</summary>
    public float[] Result(string? pendingSite = null, ModelWeights? pending = null, double pendingSamples = 0)
    {
        if (sum is not null) return pending is null ? sum.Result() : sum.ResultWith(layout, pending, pendingSamples);
        var all = individual.Where(p => p.Key != pendingSite).OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => p.Value).ToList();
        if (pending is not null) all.Add(FlatParameters.FromWeights(layout, pending).Values);
        return strategy.Name == StrategyNames.FedMedian ? RobustAggregation.Median(all) : RobustAggregation.TrimmedMean(all, strategy.TrimFraction);
    }
}
