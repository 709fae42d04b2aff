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

/// <summary>
/// Site-level differential privacy (DP-FedAvg, McMahan et al. 2018): each site clips its update (its change to the
/// global model) to L2 norm <see cref="ClipNorm"/> and adds Gaussian noise of standard deviation
/// NoiseMultiplier × ClipNorm / sqrt(m) for the m sites of the round, so the sum, the only thing the coordinator
/// sees under secure aggregation, carries noise NoiseMultiplier × ClipNorm: the guarantee covers a whole site's data.
/// Sites are averaged with equal weights (a site's row count would otherwise change the sensitivity).
/// </summary>
public sealed record SiteLevelDpSettings
{
    public required double ClipNorm { get; init; }
    public required double NoiseMultiplier { get; init; }
    public double Delta { get; init; } = 1e-5;
}

/// <summary>A site's cumulative privacy loss on its data (all jobs together) after a round, against its own budget.</summary>
public sealed record PrivacySpent
{
    public required string SiteId { get; init; }
    public required double Epsilon { get; init; }
    public required double Delta { get; init; }
    public required double Budget { get; init; }
}
