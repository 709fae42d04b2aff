namespace FedHealth.Contracts;

/// <summary>How each site trains locally in one round: plain mini-batch SGD with these settings.</summary>
public sealed record TrainingPlan
{
    public int LocalEpochs { get; init; } = 1;
    public int BatchSize { get; init; } = 32;
    public double LearningRate { get; init; } = 0.05;
    /// <summary>
    /// FedProx's μ: each site adds μ/2·‖w − w_global‖² to its loss, keeping its local steps near the round's global
    /// model when sites' data differ. 0 (the default) is plain local SGD.
    /// </summary>
    public double ProximalMu { get; init; }
}
