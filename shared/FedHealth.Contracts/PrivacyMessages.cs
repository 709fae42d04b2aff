namespace FedHealth.Contracts;

/// <summary>
/// Record-level differential privacy a job asks of every site: DP-SGD with Poisson sampling at
/// <see cref="SamplingRate"/> (1/rate steps per local epoch), each row's gradient clipped to L2 norm
/// <see cref="ClipNorm"/>, and Gaussian noise of standard deviation NoiseMultiplier × ClipNorm on each step's sum.
/// </summary>
public sealed record DpSgdSettings
{
    public required double NoiseMultiplier { get; init; }
    public required double ClipNorm { get; init; }
    public required double SamplingRate { get; init; }
}

/// <summary>A site's cumulative privacy loss on its data (all jobs together) after a round, against its own budget.</summary>
public sealed record PrivacySpent
{
    public required string SiteId { get; init; }
    public required double Epsilon { get; init; }
    public required double Delta { get; init; }
    public required double Budget { get; init; }
}
