using FedHealth.Contracts;

namespace FedHealth.Privacy.DifferentialPrivacy;

/// <summary>
/// A site's part of DP-FedAvg: clip the change it made to the global model, then add its share of the Gaussian
/// noise (σ·C/√m each, so the m shares sum to σ·C). Pure, seeded by the caller's random source.
/// </summary>
public static class SiteLevelNoise
{
    public static float[] Apply(ReadOnlySpan<float> global, ReadOnlySpan<float> local, SiteLevelDpSettings dp, int sites, Random random)
    {
        if (global.Length != local.Length) throw new ArgumentException("global and local models differ in size");
        if (!(dp.ClipNorm > 0) || !(dp.NoiseMultiplier >= 0) || sites < 1) throw new ArgumentException($"bad site-level DP settings {dp} for {sites} sites");
        double norm = 0;
        for (var i = 0; i < local.Length; i++) norm += (double)(local[i] - global[i]) * (local[i] - global[i]);
        var scale = Math.Min(1.0, dp.ClipNorm / (Math.Sqrt(norm) + 1e-12));
        var sigma = dp.NoiseMultiplier * dp.ClipNorm / Math.Sqrt(sites);
        var result = new float[local.Length];
        for (var i = 0; i < local.Length; i++) result[i] = (float)(global[i] + (local[i] - global[i]) * scale + sigma * Gaussian(random));
        return result;
    }

    /// <summary>The (ε, δ) of <paramref name="rounds"/> rounds for one site's whole data: the Gaussian mechanism on the sum, every round.</summary>
    public static Accounting.PrivacyCost Epsilon(SiteLevelDpSettings dp, int rounds) =>
        dp.NoiseMultiplier <= 0 ? new Accounting.PrivacyCost(double.PositiveInfinity, dp.Delta, 0)
            : Accounting.RdpAccountant.Epsilon(1.0, dp.NoiseMultiplier, rounds, dp.Delta);

    private static double Gaussian(Random random)
    {
        var u1 = 1.0 - random.NextDouble();
        var u2 = random.NextDouble();
        return Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
    }
}
