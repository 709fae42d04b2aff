namespace FedHealth.Cli.Images;

/// <summary>
/// Label skew across simulated sites, as federated benchmarks draw it (Hsu, Qi and Brown 2019; FedLab, Flower's
/// DirichletPartitioner): for every class, the shares of its rows each site gets are drawn from Dirichlet(α, ..., α), and
/// the class's shuffled rows are dealt out in those shares. Small α gives each site a few dominant classes; large α
/// approaches an even split. Drawn again (up to 1,000 times) until every site holds at least <c>minRows</c>.
/// </summary>
public static class DirichletPartition
{
    public static int[][] Split(IReadOnlyList<int> labels, int sites, double alpha, int seed, int minRows = 10)
    {
        if (sites < 1) throw new ArgumentOutOfRangeException(nameof(sites), sites, "at least one site");
        if (!(alpha > 0)) throw new ArgumentOutOfRangeException(nameof(alpha), alpha, "α must be positive");
        if (labels.Count < sites * minRows) throw new ArgumentException($"{labels.Count} rows cannot give {sites} sites {minRows} rows each");
        var random = new Random(seed);
        var classes = labels.Distinct().Order().ToList();
        for (var attempt = 0; attempt < 1000; attempt++)
        {
            var parts = Enumerable.Range(0, sites).Select(_ => new List<int>()).ToArray();
            foreach (var c in classes)
            {
                var rows = Enumerable.Range(0, labels.Count).Where(i => labels[i] == c).ToArray();
                random.Shuffle(rows);
                var shares = Dirichlet(random, sites, alpha);
                var start = 0;
                for (var s = 0; s < sites; s++)
                {
                    // Cumulative shares rounded, so the class's rows are dealt out exactly once.
                    var end = s == sites - 1 ? rows.Length : (int)Math.Round(shares.Take(s + 1).Sum() * rows.Length);
                    parts[s].AddRange(rows[start..Math.Max(start, end)]);
                    start = Math.Max(start, end);
                }
            }
            if (parts.All(p => p.Count >= minRows)) return parts.Select(p => p.Order().ToArray()).ToArray();
        }
        throw new InvalidOperationException($"no draw of Dirichlet({alpha}) gave each of {sites} sites {minRows} rows in 1,000 tries");
    }

    /// <summary>A draw from the symmetric Dirichlet: independent Gamma(α, 1) draws, normalised.</summary>
    public static double[] Dirichlet(Random random, int k, double alpha)
    {
        var draws = Enumerable.Range(0, k).Select(_ => Gamma(random, alpha)).ToArray();
        var sum = draws.Sum();
        return sum > 0 ? draws.Select(d => d / sum).ToArray() : Enumerable.Repeat(1.0 / k, k).ToArray();
    }

    /// <summary>Gamma(shape, 1) by Marsaglia and Tsang (2000); a shape below 1 by Gamma(shape + 1)·U^(1/shape).</summary>
    public static double Gamma(Random random, double shape)
    {
        if (shape < 1) return Gamma(random, shape + 1) * Math.Pow(1 - random.NextDouble(), 1 / shape);
        var d = shape - 1.0 / 3;
        var c = 1 / Math.Sqrt(9 * d);
        while (true)
        {
            double x, v;
            do
            {
                x = Normal(random);
                v = 1 + c * x;
            } while (v <= 0);
            v = v * v * v;
            var u = 1 - random.NextDouble();
            if (Math.Log(u) < 0.5 * x * x + d - d * v + d * Math.Log(v)) return d * v;
        }
    }

    private static double Normal(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}
