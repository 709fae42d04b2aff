using FedHealth.Contracts;
using FedHealth.Learning.Models;
using FedHealth.Learning.Strategies;

namespace FedHealth.Coordinator.Aggregation;

/// <summary>
/// Collects one round's plain updates for the job's strategy. Averaging strategies fold each update into a running
/// weighted sum (one model in memory whatever the number of sites); robust ones (median, trimmed mean) must keep a
/// copy of every site's model, since each coordinate is judged across all sites.
/// </summary>
public sealed class RoundAggregator(ParameterLayout layout, StrategySpec strategy)
{
    private readonly WeightedAverage? sum = StrategyNames.NeedsIndividualUpdates(strategy.Name) ? null : new WeightedAverage(layout.TotalCount);
    private readonly Dictionary<string, float[]> individual = new();

    public int Count => sum?.Count ?? individual.Count;

    public void Add(string siteId, ModelWeights weights, double samples)
    {
        if (sum is not null) sum.Add(layout, weights, samples);
        else individual[siteId] = FlatParameters.FromWeights(layout, weights).Values;
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
