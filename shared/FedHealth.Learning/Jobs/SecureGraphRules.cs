using FedHealth.Contracts;

namespace FedHealth.Learning.Jobs;

/// <summary>The spec's masking graph: full, or sparse with a degree and a threshold that keep a site's secrets apart.</summary>
public static class SecureGraphRules
{
    /// <summary>Shamir shares over GF(2^8) number at most 255: a site and at most 254 neighbours.</summary>
    public const int MaxNeighbours = 254;

    public static IEnumerable<string> Problems(JobSpec spec)
    {
        var (graph, k, t) = (spec.SecureAggregationGraph, spec.SecureAggregationNeighbours, spec.SecureAggregationThreshold);
        if (graph is "full" or null)
        {
            if (k != 0 || t != 0)
                yield return "secureAggregationNeighbours, secureAggregationThreshold: apply to secureAggregationGraph \"sparse\" only " +
                    "(the full graph's threshold is a majority of the round's sites)";
            yield break;
        }
        if (graph != "sparse")
        {
            yield return $"secureAggregationGraph: '{graph}' is not \"full\" or \"sparse\"";
            yield break;
        }
        if (!spec.SecureAggregation) yield return "secureAggregationGraph: a sparse masking graph needs secureAggregation";
        if (k < 2 || k % 2 != 0 || k > MaxNeighbours)
            yield return $"secureAggregationNeighbours: {k} must be an even number from 2 to {MaxNeighbours} (each site's neighbours, half on either side " +
                "of it on the graph's ring)";
        // 2t > k + 1: a coordinator telling some holders a site survived and others that it dropped cannot gather t shares of
        // both its self-mask seed and its masking key from honest holders (Bell et al., semi-malicious setting).
        else if (2 * t <= k + 1 || t > k + 1)
            yield return $"secureAggregationThreshold: {t} must be more than half of a site and its {k} neighbours and at most all of them " +
                $"({(k + 1) / 2 + 1}..{k + 1}), so no coordinator can rebuild both secrets of one site";
    }
}
