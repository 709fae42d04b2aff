namespace FedHealth.Contracts;

/// <summary>How each site trains locally in one round: plain mini-batch SGD with these settings.</summary>
public sealed record TrainingPlan
{
    public int LocalEpochs { get; init; } = 1;
    public int BatchSize { get; init; } = 32;
    public double LearningRate { get; init; } = 0.05;
}
