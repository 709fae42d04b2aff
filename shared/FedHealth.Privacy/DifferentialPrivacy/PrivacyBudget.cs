using FedHealth.Privacy.Accounting;

namespace FedHealth.Privacy.DifferentialPrivacy;

/// <summary>A hospital's own limit on the privacy loss of its data, set in its local config.</summary>
public sealed record PrivacyBudget(double Epsilon, double Delta)
{
    public IEnumerable<string> Problems()
    {
        if (!(Epsilon > 0) || !double.IsFinite(Epsilon)) yield return $"privacy.epsilonBudget: {Epsilon} must be a positive number";
        if (!(Delta is > 0 and < 1)) yield return $"privacy.delta: {Delta} must lie in (0, 1), typically below 1/rows";
    }
}

/// <summary>Whether one more run of DP-SGD fits a site's budget, given everything its data has already been through.</summary>
public static class BudgetCheck
{
    public static (bool Allowed, PrivacyCost Before, PrivacyCost After) Evaluate(PrivacyBudget budget, IEnumerable<GaussianSteps> spent, GaussianSteps next)
    {
        var history = spent.ToList();
        var before = RdpAccountant.Epsilon(history, budget.Delta);
        var after = RdpAccountant.Epsilon([.. history, next], budget.Delta);
        return (after.Epsilon <= budget.Epsilon, before, after);
    }
}
