namespace FedHealth.Privacy.Accounting;

/// <summary>
/// Composes runs of the sampled Gaussian mechanism in Rényi DP (RDP adds up across steps) and converts to
/// (ε, δ) with the conversion of Balle et al. (2020) / Canonne, Kamath, Steinke (2020), as Opacus does:
/// ε = RDP(α) + log((α-1)/α) - (log δ + log α) / (α-1), minimised over the orders.
/// </summary>
public static class RdpAccountant
{
    /// <summary>Integer orders 2..256: enough to find the optimum for the budgets hospitals use (ε from 0.1 to 100).</summary>
    public static readonly IReadOnlyList<int> DefaultOrders = Enumerable.Range(2, 255).ToList();

    public static PrivacyCost Epsilon(IEnumerable<GaussianSteps> runs, double delta, IReadOnlyList<int>? orders = null)
    {
        if (!(delta is > 0 and < 1)) throw new ArgumentOutOfRangeException(nameof(delta), delta, "delta must lie in (0, 1)");
        orders ??= DefaultOrders;
        var list = runs.ToList();
        if (list.Any(r => r.Steps < 0)) throw new ArgumentOutOfRangeException(nameof(runs), "steps must not be negative");
        if (list.All(r => r.Steps == 0)) return new PrivacyCost(0, delta, orders[0]);
        PrivacyCost? best = null;
        foreach (var order in orders)
        {
            var rdp = list.Where(r => r.Steps > 0).Sum(r => r.Steps * SampledGaussianRdp.PerStep(r.SamplingRate, r.NoiseMultiplier, order));
            var epsilon = rdp + Math.Log((order - 1.0) / order) - (Math.Log(delta) + Math.Log(order)) / (order - 1);
            if (double.IsNaN(epsilon)) continue;
            if (best is null || epsilon < best.Epsilon) best = new PrivacyCost(Math.Max(epsilon, 0), delta, order);
        }
        return best ?? new PrivacyCost(double.PositiveInfinity, delta, orders[0]);
    }

    public static PrivacyCost Epsilon(double samplingRate, double noiseMultiplier, long steps, double delta, IReadOnlyList<int>? orders = null) =>
        Epsilon([new GaussianSteps(samplingRate, noiseMultiplier, steps)], delta, orders);

    /// <summary>The smallest noise multiplier (to 0.1 %) whose <paramref name="steps"/> stay within <paramref name="epsilon"/>: for planning a job.</summary>
    public static double NoiseFor(double epsilon, double delta, double samplingRate, long steps)
    {
        double low = 0.05, high = 0.05;
        while (Epsilon(samplingRate, high, steps, delta).Epsilon > epsilon)
        {
            high *= 2;
            if (high > 1e4) throw new ArgumentException($"no noise multiplier reaches ε={epsilon} with these settings");
        }
        while (high - low > high * 1e-3)
        {
            var mid = (low + high) / 2;
            if (Epsilon(samplingRate, mid, steps, delta).Epsilon > epsilon) low = mid; else high = mid;
        }
        return high;
    }
}
