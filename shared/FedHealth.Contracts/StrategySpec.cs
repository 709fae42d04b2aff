namespace FedHealth.Contracts;

/// <summary>
/// The coordinator's aggregation strategy for a job. <see cref="Name"/> is one of: fedavg (weighted mean of the
/// sites' models), fedprox (fedavg, with sites training under training.proximalMu), fedadam, fedyogi, fedadagrad
/// (the weighted mean's step taken by a server optimiser, Reddi et al. 2021), fedmedian (coordinate-wise median) and
/// trimmedmean (coordinate-wise mean without the highest and lowest <see cref="TrimFraction"/> of the sites), and scaffold
/// (fedavg with control variates correcting each site's drift, Karimireddy et al., ICML 2020). The last three cannot
/// run under secure aggregation: the robust rules need each site's update, scaffold a second sum (the control deltas).
/// </summary>
public sealed record StrategySpec
{
    public string Name { get; init; } = "fedavg";
    public const double DefaultServerLearningRate = 0.1;
    /// <summary>Server optimisers: the server learning rate η.</summary>
    public double ServerLearningRate { get; init; } = DefaultServerLearningRate;
    /// <summary>Server optimisers: momentum β₁ of the first moment.</summary>
    public double Beta1 { get; init; } = 0.9;
    /// <summary>fedadam and fedyogi: β₂ of the second moment.</summary>
    public double Beta2 { get; init; } = 0.99;
    /// <summary>Server optimisers: τ, the adaptivity floor (also the initial √v).</summary>
    public double Tau { get; init; } = 1e-3;
    /// <summary>trimmedmean: the share of sites dropped at each end of every coordinate, in [0, 0.5).</summary>
    public double TrimFraction { get; init; } = 0.1;
    /// <summary>
    /// FedBN (Li et al., ICLR 2021): what of each batch-norm layer stays at each site and never leaves it: "statistics" (the
    /// running mean and variance) or "all" (those and the layer's scale and shift). Null: every parameter is averaged.
    /// Each site trains and scores the global model with its own kept values; the global model's are left as they started.
    /// </summary>
    public string? LocalBatchNorm { get; init; }
}
