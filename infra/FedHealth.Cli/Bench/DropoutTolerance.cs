using FedHealth.Privacy.SecureAggregation;

namespace FedHealth.Cli.Bench;

/// <summary>
/// How many random dropouts a sparse masking graph survives: a round completes when every survivor's self-mask seed
/// and every dropped site's masking key (where a surviving neighbour masked with it) keep at least t surviving holders.
/// </summary>
internal static class DropoutTolerance
{
    private const int Draws = 400;
    private const double Success = 0.99;

    /// <summary>The largest fraction of sites, dropping at random, that 99% of draws complete with (and every smaller fraction).</summary>
    public static double Of(MaskingGraph graph, IReadOnlyList<string> sites, int threshold)
    {
        var random = new Random(1);
        var holders = sites.ToDictionary(s => s, s => graph.Holders(s, sites).Select(h => h.Holder).ToArray());
        var tolerated = 0;
        for (var dropped = 1; dropped < sites.Count; dropped++)
        {
            var completed = 0;
            for (var draw = 0; draw < Draws; draw++)
            {
                var gone = sites.OrderBy(_ => random.Next()).Take(dropped).ToHashSet();
                if (Completes(graph, sites, holders, gone, threshold)) completed++;
            }
            if (completed < Success * Draws) break;
            tolerated = dropped;
        }
        return (double)tolerated / sites.Count;
    }

    private static bool Completes(MaskingGraph graph, IReadOnlyList<string> sites, Dictionary<string, string[]> holders, HashSet<string> gone,
        int threshold)
    {
        foreach (var owner in sites)
        {
            var needed = !gone.Contains(owner) || graph.NeighboursOf(owner, sites).Any(n => !gone.Contains(n));
            if (needed && holders[owner].Count(h => !gone.Contains(h)) < threshold) return false;
        }
        return true;
    }
}
