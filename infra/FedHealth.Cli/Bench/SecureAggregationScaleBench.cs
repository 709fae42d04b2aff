using System.CommandLine;
using FedHealth.Contracts;
using FedHealth.Privacy.SecureAggregation;

namespace FedHealth.Cli.Bench;

/// <summary>
/// Full SecAgg against SecAgg+ (the sparse graph) and plain FedAvg as the consortium grows: one round at each size with
/// every party in this process, each party's work timed (the mean and slowest site, the coordinator), and the dropout
/// rate each graph tolerates at that size. The sparse graph's degree and threshold are Bell et al.'s choice for the
/// stated corrupt and dropout fractions (<see cref="SparseGraphParameters"/>).
/// </summary>
public static class SecureAggregationScaleBench
{
    public static Command Command()
    {
        var parameters = new Option<int>("--parameters") { Description = "Model size", DefaultValueFactory = _ => 100_000 };
        var sites = new Option<int[]>("--sites")
        {
            Description = "Site counts", DefaultValueFactory = _ => [10, 50, 100, 500], AllowMultipleArgumentsPerToken = true,
        };
        var corrupt = new Option<double>("--corrupt") { Description = "Fraction of sites colluding with the coordinator", DefaultValueFactory = _ => 0.05 };
        var dropouts = new Option<double>("--dropouts") { Description = "Fraction of sites dropping out", DefaultValueFactory = _ => 0.10 };
        var command = new Command("secure-aggregation-scale", "Full SecAgg, SecAgg+ (sparse graph) and plain FedAvg from ten to hundreds of sites.")
        {
            parameters, sites, corrupt, dropouts,
        };
        command.SetAction(result =>
        {
            Run(result.GetValue(parameters), result.GetValue(sites)!, result.GetValue(corrupt), result.GetValue(dropouts), Console.Out);
            return 0;
        });
        return command;
    }

    /// <summary>Shamir shares over GF(2^8): the full graph shares among every site, so it stops at 255.</summary>
    private const int FullGraphMaxSites = 255;

    public static void Run(int parameters, IReadOnlyList<int> siteCounts, double corrupt, double dropouts, TextWriter output)
    {
        output.WriteLine($"One round, {parameters:N0} parameters, every party in one process one after another on this machine's " +
            $"{Environment.ProcessorCount} " +
            $"cores. Sparse graph: Bell et al.'s degree k and threshold t for {corrupt:P0} corrupt sites and {dropouts:P0} dropouts " +
            $"(security 2^-{SparseGraphParameters.SecurityBits}, failure 2^-{SparseGraphParameters.CorrectnessBits}); full: t = n/2 + 1.");
        output.WriteLine($"{"sites",6}{"graph",8}{"k",5}{"t",5}{"site mean s",13}{"slowest s",11}{"coordinator s",15}{"all parties s",15}" +
            $"{"x plain",9}{"dropouts tolerated",20}");
        SecureAggregationBench.WarmUp(parameters);
        foreach (var n in siteCounts)
        {
            var updates = Enumerable.Range(0, n).Select(i => SecureAggregationBench.RandomUpdate(parameters, i)).ToList();
            var plain = SecureAggregationBench.Plain(updates);
            output.WriteLine($"{n,6}{"plain",8}{"",5}{"",5}{"",13}{"",11}{"",15}{plain.Total,15:F3}{1,8:F1}x{"-",20}");
            if (n <= FullGraphMaxSites)
            {
                var full = SecureRoundTimings.Run(updates);
                var t = n / 2 + 1;
                Row(output, n, "full", n - 1, t, full, plain, $"{(double)(n - t) / n:P0} ({n - t} sites)");
            }
            else output.WriteLine($"{n,6}{"full",8}   n/a: Shamir shares over GF(2^8) number at most {FullGraphMaxSites}, so the full graph stops there");
            if (SparseGraphParameters.For(n, corrupt, dropouts) is not var (k, threshold))
            {
                output.WriteLine($"{n,6}{"sparse",8}   none: no degree below n - 1 meets the bounds at this size; the full graph is the choice");
                continue;
            }
            var sparse = SecureRoundTimings.Run(updates,
                (_, s) => s with { Graph = MaskingGraph.Sparse, Neighbours = k, Threshold = threshold, Roster = Ids(n) });
            var graph = MaskingGraph.Of(new SecureRoundSettings
            {
                RoundNonce = new byte[16], Threshold = threshold, CoordinatorKey = [], Graph = MaskingGraph.Sparse, Neighbours = k, Roster = Ids(n),
            }, Guid.Empty, 1, Ids(n).Select(id => (id, System.Security.Cryptography.RandomNumberGenerator.GetBytes(MaskingGraph.SeedLength))));
            var tolerated = DropoutTolerance.Of(graph, Ids(n), threshold);
            Row(output, n, "sparse", k, threshold, sparse, plain, $"{tolerated:P0} ({(int)Math.Round(tolerated * n)} sites)");
        }
        output.WriteLine("site mean / slowest: a site's whole secure work (keys, shares, masking, unmasking shares). all parties: every party's work added");
        output.WriteLine("up, x plain against plain FedAvg's (encode, check and fold). dropouts tolerated: full, n - t sites (any of them); sparse, the");
        output.WriteLine("largest fraction of sites dropping at random after sharing for which 99% of 400 random draws still leave every needed secret");
        output.WriteLine("t surviving holders on this graph. Corrupt sites tolerated: full, fewer than t; sparse, the fraction above (see docs/privacy.md).");
        output.WriteLine($"Load average when done: {SecureAggregationBench.LoadAverage()} (on {Environment.ProcessorCount} cores).");
        output.WriteLine($"Reproduce: ./fedhealth bench secure-aggregation-scale --parameters {parameters} --sites {string.Join(" ", siteCounts)} " +
            $"--corrupt {corrupt} --dropouts {dropouts}");
    }

    /// <summary>The bench's site ids, as <see cref="SecureRoundTimings"/> names them.</summary>
    private static List<string> Ids(int n) => Enumerable.Range(0, n).Select(i => $"S{i:D3}").ToList();

    private static void Row(TextWriter output, int n, string graph, int k, int t, SecureRoundTimings timings, SecureAggregationBench.Timing plain,
        string tolerated)
    {
        var mean = timings.Sites.Keys.Average(timings.SiteTotal);
        output.WriteLine($"{n,6}{graph,8}{k,5}{t,5}{mean,13:F3}{timings.SlowestSiteTotal,11:F3}{timings.CoordinatorTotal,15:F3}{timings.AllParties,15:F3}" +
            $"{timings.AllParties / plain.Total,8:F1}x{tolerated,20}");
    }
}
