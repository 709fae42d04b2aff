using FedHealth.Contracts;

namespace FedHealth.Privacy.Accounting;

/// <summary>How many DP-SGD steps a site takes in one round: 1/q steps make an epoch. Sites spend, and leads plan, by this one rule.</summary>
public static class DpSgdSchedule
{
    /// <summary>
    /// The most steps one round may take: about an hour of DP-SGD at the fastest step measured here. A sampling rate of
    /// 1e-300 asked for 9.2e18 steps and left every site training for good.
    /// </summary>
    public const long MaxStepsPerRound = 1_000_000;

    /// <summary>The round's step count; throws, naming the fields, when it would pass <see cref="MaxStepsPerRound"/>.</summary>
    public static long StepsPerRound(TrainingPlan plan, DpSgdSettings dp) =>
        Problem(plan, dp) is { } problem ? throw new ArgumentException(problem) : plan.LocalEpochs * (long)Math.Max(1, Math.Round(1 / dp.SamplingRate));

    /// <summary>Why this plan's DP-SGD schedule cannot run, or null. Computed in floating point, so nothing overflows on the way.</summary>
    public static string? Problem(TrainingPlan plan, DpSgdSettings dp)
    {
        if (!(dp.SamplingRate is > 0 and <= 1)) return $"privacy.samplingRate: {dp.SamplingRate} must lie in (0, 1]";
        var steps = plan.LocalEpochs * Math.Max(1, Math.Round(1 / dp.SamplingRate));
        return steps > MaxStepsPerRound
            ? $"privacy.samplingRate: {dp.SamplingRate} with training.localEpochs {plan.LocalEpochs} makes {steps:G3} DP-SGD steps a round (localEpochs / " +
                $"samplingRate), more than {MaxStepsPerRound}"
            : null;
    }
}
