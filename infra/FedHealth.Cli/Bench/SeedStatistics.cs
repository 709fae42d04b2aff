namespace FedHealth.Cli.Bench;

/// <summary>How benches summarise a figure measured once per seed: its mean and sample standard deviation (0 for one seed).</summary>
public static class SeedStatistics
{
    public static (double Mean, double Sd) MeanAndSd(IReadOnlyList<double> values)
    {
        var mean = values.Average();
        return (mean, values.Count > 1 ? Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / (values.Count - 1)) : 0);
    }
}
