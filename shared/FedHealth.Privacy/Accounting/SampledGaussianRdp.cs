namespace FedHealth.Privacy.Accounting;

/// <summary>
/// Rényi DP of one step of the sampled Gaussian mechanism (Poisson sampling at rate q, Gaussian noise of
/// standard deviation sigma times the sensitivity), at integer orders, computed exactly in log space as in
/// Mironov, Talwar and Zhang (2019), "Rényi Differential Privacy of the Sampled Gaussian Mechanism", section 3.3:
/// A_α = Σ_k C(α,k) (1-q)^(α-k) q^k exp((k²-k) / (2σ²)), RDP(α) = log(A_α) / (α-1).
/// Only integer orders are used: a fractional-order bound would be tighter, never looser, so this never under-reports.
/// </summary>
public static class SampledGaussianRdp
{
    public static double PerStep(double samplingRate, double noiseMultiplier, int order)
    {
        if (order < 2) throw new ArgumentOutOfRangeException(nameof(order), order, "orders start at 2");
        if (!(samplingRate is > 0 and <= 1)) throw new ArgumentOutOfRangeException(nameof(samplingRate), samplingRate, "sampling rate must lie in (0, 1]");
        if (!(noiseMultiplier > 0) || !double.IsFinite(noiseMultiplier))
            throw new ArgumentOutOfRangeException(nameof(noiseMultiplier), noiseMultiplier, "noise multiplier must be positive");
        var sigma2 = noiseMultiplier * noiseMultiplier;
        if (samplingRate == 1) return order / (2 * sigma2);
        var logQ = Math.Log(samplingRate);
        var log1MinusQ = double.LogP1(-samplingRate);
        var logA = double.NegativeInfinity;
        for (var k = 0; k <= order; k++)
        {
            var term = LogBinomial(order, k) + k * logQ + (order - k) * log1MinusQ + (k * (double)k - k) / (2 * sigma2);
            logA = LogAddExp(logA, term);
        }
        return logA / (order - 1);
    }

    private static double LogBinomial(int n, int k) => LogFactorial(n) - LogFactorial(k) - LogFactorial(n - k);

    private static readonly double[] LogFactorials = BuildLogFactorials(1024);

    private static double LogFactorial(int n) => n < LogFactorials.Length ? LogFactorials[n]
        : throw new ArgumentOutOfRangeException(nameof(n), n, "order too large");

    private static double[] BuildLogFactorials(int count)
    {
        var table = new double[count];
        for (var i = 2; i < count; i++) table[i] = table[i - 1] + Math.Log(i);
        return table;
    }

    private static double LogAddExp(double a, double b)
    {
        if (double.IsNegativeInfinity(a)) return b;
        if (double.IsNegativeInfinity(b)) return a;
        var max = Math.Max(a, b);
        return max + Math.Log(Math.Exp(a - max) + Math.Exp(b - max));
    }
}
