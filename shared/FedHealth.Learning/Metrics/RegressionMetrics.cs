using FedHealth.Contracts;

namespace FedHealth.Learning.Metrics;

/// <summary>
/// A regression model's figures from summed moments: RMSE = √(Σ(y−ŷ)²/n), MAE = Σ|y−ŷ|/n and R² = 1 − Σ(y−ŷ)²/(Σy² − (Σy)²/n),
/// on one site's rows or exactly on several sites' rows pooled (the sums add up; no row leaves a site).
/// </summary>
public static class RegressionMetrics
{
    /// <summary>The moments of predictions against labels, both in the label's own units.</summary>
    public static RegressionMoments Moments(ReadOnlySpan<double> predicted, ReadOnlySpan<double> actual)
    {
        if (predicted.Length != actual.Length) throw new ArgumentException("one prediction per label");
        double sumY = 0, sumY2 = 0, squared = 0, absolute = 0;
        for (var i = 0; i < actual.Length; i++)
        {
            var e = actual[i] - predicted[i];
            sumY += actual[i];
            sumY2 += actual[i] * actual[i];
            squared += e * e;
            absolute += Math.Abs(e);
        }
        return new RegressionMoments { Count = actual.Length, SumY = sumY, SumY2 = sumY2, SumSquaredError = squared, SumAbsoluteError = absolute };
    }

    public static RegressionFigures Figures(RegressionMoments m)
    {
        if (m.Count == 0) return new RegressionFigures { Rmse = double.NaN, Mae = double.NaN, R2 = double.NaN, Moments = m };
        var total = m.SumY2 - m.SumY * m.SumY / m.Count;
        return new RegressionFigures
        {
            Rmse = Math.Sqrt(m.SumSquaredError / m.Count), Mae = m.SumAbsoluteError / m.Count,
            // Σ(y−ȳ)² is 0 only when every label is the same; below rounding noise it says nothing either.
            R2 = total > 1e-12 * Math.Max(m.SumY2, 1) ? 1 - m.SumSquaredError / total : double.NaN, Moments = m,
        };
    }

    public static RegressionMoments Add(IEnumerable<RegressionMoments> parts) => parts.Aggregate(
        new RegressionMoments { Count = 0, SumY = 0, SumY2 = 0, SumSquaredError = 0, SumAbsoluteError = 0 },
        (a, b) => new RegressionMoments
        {
            Count = a.Count + b.Count, SumY = a.SumY + b.SumY, SumY2 = a.SumY2 + b.SumY2,
            SumSquaredError = a.SumSquaredError + b.SumSquaredError, SumAbsoluteError = a.SumAbsoluteError + b.SumAbsoluteError,
        });

    /// <summary>One figure for several sites' held-out rows, from their summed moments; the loss weighted by rows.</summary>
    public static ModelMetrics Pool(IReadOnlyCollection<SiteEvaluation> evaluations)
    {
        var total = evaluations.Sum(e => e.Metrics.Samples);
        var moments = Add(evaluations.Select(e => e.Metrics.Regression?.Moments).OfType<RegressionMoments>());
        return new ModelMetrics
        {
            Auc = double.NaN, Accuracy = double.NaN, Samples = total,
            Loss = total == 0 ? double.NaN : evaluations.Sum(e => e.Metrics.Loss * e.Metrics.Samples) / total,
            Regression = Figures(moments),
        };
    }

    /// <summary>
    /// What a receiver checks in a site's regression figures: moments of its samples (at least <see cref="SubgroupMetrics.MinRows"/>:
    /// sums of fewer come near single patients), finite and possible (sums of squares not negative, (Σy)² ≤ nΣy², (Σ|e|)² ≤ nΣe²),
    /// and RMSE, MAE and R² that follow from them.
    /// </summary>
    public static string? Problem(ModelMetrics metrics)
    {
        if (metrics.Regression is not { } f) return "has no regression figures, which a regression job needs";
        if (f.Moments is not { } m) return "has no regression.moments";
        if (m.Count != metrics.Samples) return $"regression.moments.count is {m.Count}, not its {metrics.Samples} samples";
        if (m.Count < SubgroupMetrics.MinRows)
            return $"has regression moments of {m.Count} rows: sums of fewer than {SubgroupMetrics.MinRows} rows come too near single patients";
        double[] sums = [m.SumY, m.SumY2, m.SumSquaredError, m.SumAbsoluteError];
        if (sums.Any(v => !double.IsFinite(v))) return "has regression moments that are not finite numbers";
        if (m.SumY2 < 0 || m.SumSquaredError < 0 || m.SumAbsoluteError < 0) return "has a negative sum of squares or of absolute errors in regression.moments";
        var slack = 1 + 1e-9;
        if (m.SumY * m.SumY > m.Count * m.SumY2 * slack + 1e-9 || m.SumAbsoluteError * m.SumAbsoluteError > m.Count * m.SumSquaredError * slack + 1e-9)
            return "has regression moments no set of rows can have ((Σy)² above nΣy², or (Σ|y−ŷ|)² above nΣ(y−ŷ)²)";
        var expected = Figures(m);
        if (!Close(f.Rmse, expected.Rmse) || !Close(f.Mae, expected.Mae) || !Close(f.R2, expected.R2))
            return $"has RMSE {f.Rmse}, MAE {f.Mae}, R² {f.R2}, but its moments give {expected.Rmse}, {expected.Mae}, {expected.R2}";
        return null;
    }

    private static bool Close(double a, double b) =>
        double.IsNaN(a) ? double.IsNaN(b) : !double.IsNaN(b) && Math.Abs(a - b) <= 1e-9 * Math.Max(1, Math.Max(Math.Abs(a), Math.Abs(b)));
}
