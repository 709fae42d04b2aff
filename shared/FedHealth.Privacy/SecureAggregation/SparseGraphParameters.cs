namespace FedHealth.Privacy.SecureAggregation;

/// <summary>
/// The degree k and threshold t of a sparse masking graph for n sites, chosen as Bell et al. (CCS 2020, section 4)
/// choose them for a random Harary graph: the smallest even k for which, with at most a fraction γ of the sites
/// corrupt (colluding with the coordinator) and a fraction δ dropping out, (1) the honest sites that survive stay
/// connected, so the coordinator learns nothing but the sum of all of them, except with probability 2^-40;
/// (2) no site has so many corrupt holders that a coordinator telling holders different stories (semi-malicious)
/// gathers t shares of both of its secrets: 2t &gt; k + 1 + a, a the corrupt holders, except with probability
/// 2^-40 over all sites; (3) every site keeps t surviving holders, so the round completes, except with probability 2^-20.
/// </summary>
public static class SparseGraphParameters
{
    public const double SecurityBits = 40;
    public const double CorrectnessBits = 20;

    /// <summary>k and t, or null when no sparse graph of fewer than n - 1 neighbours meets the bounds (use the full graph).</summary>
    public static (int Neighbours, int Threshold)? For(int sites, double corruptFraction, double dropoutFraction)
    {
        if (sites < 4) return null;
        if (corruptFraction is < 0 or >= 1 || dropoutFraction is < 0 or >= 1)
            throw new ArgumentOutOfRangeException(nameof(corruptFraction), "fractions lie in [0, 1)");
        var logFactorial = new double[sites + 1];
        for (var i = 1; i <= sites; i++) logFactorial[i] = logFactorial[i - 1] + Math.Log(i);
        var corrupt = (int)Math.Floor(corruptFraction * sites + 1e-9);
        var dropped = (int)Math.Floor(dropoutFraction * sites + 1e-9);
        var surviving = sites - dropped;
        var perSiteSecurity = Math.Pow(2, -(SecurityBits + 1)) / sites;
        var perSiteCorrectness = Math.Pow(2, -CorrectnessBits) / sites;
        for (var k = 2; k < sites - 1; k += 2)
        {
            if (DisconnectedLog(sites, k, corrupt + dropped, logFactorial) >= -(SecurityBits + 1) * Math.Log(2)) continue;
            // Corrupt holders among a site's k neighbours, drawn from the n - 1 others.
            var a = 0;
            while (a < k && UpperTail(sites - 1, corrupt, k, a + 1, logFactorial) > perSiteSecurity) a++;
            var minimum = Math.Max(2, (k + 1 + a) / 2 + 1);
            // Surviving neighbours (the site's own share not counted, as for a site that dropped).
            var maximum = 0;
            while (maximum < k && LowerTail(sites - 1, Math.Max(0, surviving - 1), k, maximum + 1, logFactorial) <= perSiteCorrectness) maximum++;
            if (minimum <= maximum) return (k, minimum);
        }
        return null;
    }

    /// <summary>The corrupt and dropped fractions a job is planned for when its lead does not say (the paper's worked example's order).</summary>
    public const double PlannedCorruptFraction = 0.05, PlannedDropoutFraction = 0.10;

    /// <summary>
    /// What to use for <paramref name="sites"/> sites when nobody says: <see cref="For"/> at the planned fractions; a federation too small
    /// for any sparse degree gets every other site as neighbours, with a threshold above half of each neighbourhood
    /// (Planned false).
    /// </summary>
    public static (int Neighbours, int Threshold, bool Planned) Suggested(int sites)
    {
        if (For(sites, PlannedCorruptFraction, PlannedDropoutFraction) is var (neighbours, threshold)) return (neighbours, threshold, true);
        var k = Math.Max(2, (sites - 1) / 2 * 2);
        return (k, (k + 1) / 2 + 1, false);
    }

    /// <summary>Log of a union bound on the removed (corrupt or dropped) sites cutting the ring lattice: two disjoint runs of k/2.</summary>
    private static double DisconnectedLog(int n, int k, int removed, double[] lf)
    {
        if (k > removed) return double.NegativeInfinity;
        var pairs = Math.Log(n) + Math.Log(Math.Max(1, n - k - 1)) - Math.Log(2);
        return pairs + lf[removed] - lf[removed - k] + lf[n - k] - lf[n];
    }

    /// <summary>P[X ≥ x] for X hypergeometric: <paramref name="draws"/> from <paramref name="population"/> holding <paramref name="marked"/>.</summary>
    private static double UpperTail(int population, int marked, int draws, int x, double[] lf)
    {
        double p = 0;
        for (var i = x; i <= Math.Min(draws, marked); i++) p += Pmf(population, marked, draws, i, lf);
        return p;
    }

    /// <summary>P[X &lt; x].</summary>
    private static double LowerTail(int population, int marked, int draws, int x, double[] lf)
    {
        double p = 0;
        for (var i = 0; i < x; i++) p += Pmf(population, marked, draws, i, lf);
        return p;
    }

    private static double Pmf(int population, int marked, int draws, int x, double[] lf)
    {
        if (x < 0 || x > marked || draws - x > population - marked) return 0;
        return Math.Exp(LogChoose(marked, x, lf) + LogChoose(population - marked, draws - x, lf) - LogChoose(population, draws, lf));
    }

    private static double LogChoose(int n, int k, double[] lf) => lf[n] - lf[k] - lf[n - k];
}
