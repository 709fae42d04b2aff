namespace FedHealth.Cli.Local;

/// <summary>What `fedhealth local` was asked for.</summary>
public sealed record LocalRunOptions
{
    public int Rounds { get; init; } = 20;
    public int Seed { get; init; } = 1;
    public bool Headless { get; init; }
    public required string DataDir { get; init; }
    public string? SummaryPath { get; init; }
    public string Model { get; init; } = "logistic";
    public int Port { get; init; } = 5080;
    public required string FederationDir { get; init; }
    public double LearningRate { get; init; } = 0.05;
    public int LocalEpochs { get; init; } = 1;
    public int BatchSize { get; init; } = 32;

    public static string DefaultFederationDir() => Path.Combine(AppContext.BaseDirectory, "federations", "breast-prognosis");
}
