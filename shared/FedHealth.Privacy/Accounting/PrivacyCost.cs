namespace FedHealth.Privacy.Accounting;

/// <summary>An (ε, δ) guarantee and the Rényi order that gave the smallest ε.</summary>
public sealed record PrivacyCost(double Epsilon, double Delta, int Order);

/// <summary>A run of steps of the sampled Gaussian mechanism with one sampling rate and noise multiplier.</summary>
public sealed record GaussianSteps(double SamplingRate, double NoiseMultiplier, long Steps);
