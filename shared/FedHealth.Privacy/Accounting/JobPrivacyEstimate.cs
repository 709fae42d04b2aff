using FedHealth.Contracts;
using FedHealth.Privacy.DifferentialPrivacy;

namespace FedHealth.Privacy.Accounting;

/// <summary>
/// What a job will cost in privacy before it runs, by the same accountant the sites spend with: ε for one round and
/// for all rounds of record-level DP-SGD at δ, and the site-level (ε, δ) after the last round. Null parts are off.
/// </summary>
public sealed record JobPrivacyEstimate(long? StepsPerRound, double? EpsilonPerRound, double? EpsilonAllRounds, double Delta,
    double? SiteLevelEpsilon, double? SiteLevelDelta)
{
    /// <summary>The estimate; an argument out of range (a zero sampling rate, say) gives null parts rather than an exception: the rules report the
    /// field.</summary>
    public static JobPrivacyEstimate For(JobSpec spec, double delta)
    {
        long? steps = null;
        double? perRound = null, allRounds = null, siteLevel = null;
        if (spec.Privacy is { } dp && spec.Training is { } plan && dp.NoiseMultiplier > 0 && double.IsFinite(dp.NoiseMultiplier)
            && plan.LocalEpochs > 0 && spec.Rounds > 0 && DpSgdSchedule.Problem(plan, dp) is null)
        {
            steps = DpSgdSchedule.StepsPerRound(plan, dp);
            perRound = RdpAccountant.Epsilon(dp.SamplingRate, dp.NoiseMultiplier, steps.Value, delta).Epsilon;
            allRounds = RdpAccountant.Epsilon(dp.SamplingRate, dp.NoiseMultiplier, steps.Value * spec.Rounds, delta).Epsilon;
        }
        if (spec.SiteLevelPrivacy is { } site && site.NoiseMultiplier > 0 && double.IsFinite(site.NoiseMultiplier)
            && site.Delta is > 0 and < 1 && spec.Rounds > 0)
            siteLevel = SiteLevelNoise.Epsilon(site, spec.Rounds).Epsilon;
        return new JobPrivacyEstimate(steps, perRound, allRounds, delta, siteLevel, spec.SiteLevelPrivacy?.Delta);
    }
}
