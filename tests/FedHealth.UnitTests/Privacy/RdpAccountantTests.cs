using FedHealth.Privacy.Accounting;

namespace FedHealth.Tests.Privacy;

public sealed class RdpAccountantTests
{
    [Fact]
    public void It_reproduces_the_published_opacus_example()
    {
        // Opacus compute_dp_sgd_privacy docs: sample rate 1 %, noise 1.0, 300 steps, delta 1e-5, alphas 2 5 10 20 100
        // "satisfies differential privacy with epsilon = 2.39 ... The optimal alpha is 5.0".
        var cost = RdpAccountant.Epsilon(0.01, 1.0, 300, 1e-5, orders: [2, 5, 10, 20, 100]);
        Assert.Equal(2.39, cost.Epsilon, 2);
        Assert.Equal(5, cost.Order);
    }

    [Fact]
    public void More_orders_only_tighten_the_bound()
    {
        var coarse = RdpAccountant.Epsilon(0.01, 1.0, 300, 1e-5, orders: [2, 5, 10, 20, 100]);
        var fine = RdpAccountant.Epsilon(0.01, 1.0, 300, 1e-5);
        Assert.True(fine.Epsilon <= coarse.Epsilon);
        Assert.Equal(1.4822, fine.Epsilon, 3);
        Assert.Equal(8, fine.Order);
    }

    [Theory]
    [InlineData(2, 1.0)]
    [InlineData(7, 2.5)]
    [InlineData(32, 0.8)]
    public void Without_sampling_the_rdp_is_that_of_the_gaussian_mechanism(int order, double sigma) =>
        Assert.Equal(order / (2 * sigma * sigma), SampledGaussianRdp.PerStep(1.0, sigma, order), 10);

    [Theory]
    [InlineData(1.0, 1)]
    [InlineData(2.0, 10)]
    [InlineData(5.0, 100)]
    [InlineData(0.7, 3)]
    public void It_never_under_reports_against_the_exact_privacy_curve_of_the_gaussian_mechanism(double sigma, int steps)
    {
        // T compositions of a Gaussian mechanism with sensitivity 1 are one Gaussian with sigma / sqrt(T). Its exact
        // delta at epsilon (Balle and Wang 2018) must not exceed the target delta at the epsilon the accountant reports.
        const double target = 1e-5;
        var reported = RdpAccountant.Epsilon(1.0, sigma, steps, target).Epsilon;
        var s = sigma / Math.Sqrt(steps);
        var exactDelta = Phi(1 / (2 * s) - reported * s) - Math.Exp(reported) * Phi(-1 / (2 * s) - reported * s);
        Assert.True(exactDelta <= target, $"at ε={reported:F4} the exact δ is {exactDelta:E3} > {target:E1}");
    }

    [Fact]
    public void Epsilon_grows_with_steps_and_sampling_and_shrinks_with_noise()
    {
        double E(double q, double sigma, long steps) => RdpAccountant.Epsilon(q, sigma, steps, 1e-5).Epsilon;
        Assert.True(E(0.1, 1.5, 200) > E(0.1, 1.5, 100));
        Assert.True(E(0.2, 1.5, 100) > E(0.1, 1.5, 100));
        Assert.True(E(0.1, 3.0, 100) < E(0.1, 1.5, 100));
        Assert.Equal(0, RdpAccountant.Epsilon([], 1e-5).Epsilon);
    }

    [Fact]
    public void Runs_compose_by_adding_their_steps()
    {
        var split = RdpAccountant.Epsilon([new GaussianSteps(0.1, 2, 60), new GaussianSteps(0.1, 2, 40)], 1e-5);
        Assert.Equal(RdpAccountant.Epsilon(0.1, 2, 100, 1e-5).Epsilon, split.Epsilon, 10);
    }

    [Fact]
    public void The_planned_noise_spends_at_most_the_budget_and_barely_less_noise_would_not()
    {
        var sigma = RdpAccountant.NoiseFor(3, 1e-5, 0.1, 200);
        Assert.True(RdpAccountant.Epsilon(0.1, sigma, 200, 1e-5).Epsilon <= 3);
        Assert.True(RdpAccountant.Epsilon(0.1, sigma * 0.99, 200, 1e-5).Epsilon > 3);
    }

    [Theory]
    [InlineData(0, 1, 1e-5)]
    [InlineData(1.5, 1, 1e-5)]
    [InlineData(0.1, 0, 1e-5)]
    [InlineData(0.1, 1, 0)]
    [InlineData(0.1, 1, 1)]
    public void Impossible_settings_are_refused(double q, double sigma, double delta) =>
        Assert.ThrowsAny<ArgumentOutOfRangeException>(() => RdpAccountant.Epsilon(q, sigma, 10, delta));

    // Standard normal CDF via erfc (W. J. Cody's rational approximations are overkill here; this is accurate to 1e-12
    // in the tails used, from the continued fraction for erfc).
    private static double Phi(double x) => 0.5 * Erfc(-x / Math.Sqrt(2));

    private static double Erfc(double x)
    {
        if (x < 0) return 2 - Erfc(-x);
        if (x < 3)
        {
            // series for erf
            double sum = x, term = x, x2 = x * x;
            for (var n = 1; n < 200; n++)
            {
                term *= -x2 / n;
                var add = term / (2 * n + 1);
                sum += add;
                if (Math.Abs(add) < 1e-17) break;
            }
            return 1 - 2 / Math.Sqrt(Math.PI) * sum;
        }
        // continued fraction (Lentz) for large x
        double f = x, c = x, d = 0;
        for (var n = 1; n < 300; n++)
        {
            var a = n / 2.0;
            d = x + a * d; d = 1 / d;
            c = x + a / c;
            var delta = c * d;
            f *= delta;
            if (Math.Abs(delta - 1) < 1e-16) break;
        }
        return Math.Exp(-x * x) / Math.Sqrt(Math.PI) / f;
    }
}
