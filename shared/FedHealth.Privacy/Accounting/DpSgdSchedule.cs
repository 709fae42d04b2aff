using FedHealth.Contracts;

namespace FedHealth.Privacy.Accounting;

/// <summary>How many DP-SGD steps a site takes in one round: 1/q steps make an epoch. Sites spend, and leads plan, by this one rule.</summary>
public static class DpSgdSchedule
{
    public static long StepsPerRound(TrainingPlan plan, DpSgdSettings dp) => plan.LocalEpochs * (long)Math.Max(1, Math.Round(1 / dp.SamplingRate));
}
