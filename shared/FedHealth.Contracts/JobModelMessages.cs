namespace FedHealth.Contracts;

/// <summary>A lead or auditor asking for a job's current global model (request; answered by <see cref="JobModel"/> or <see
/// cref="JobModelUnavailable"/>).</summary>
public sealed record GetJobModel : IDashboardRequest, IJobMessage
{
    public required Guid JobId { get; init; }
    /// <summary>
    /// Which kept checkpoint: <see cref="Checkpoints.Latest"/> (the default), <see cref="Checkpoints.Best"/>, or "round-N"
    /// (see <see cref="JobSpec.CheckpointEvery"/>).
    /// </summary>
    public string Checkpoint { get; init; } = Checkpoints.Latest;
}

/// <summary>
/// The global models a job keeps once its rounds are pruned from the journal: the latest (the final model once it
/// ended) and the best, the round whose model scored the highest global AUC on the sites' held-out rows.
/// </summary>
public static class Checkpoints
{
    public const string Latest = "latest";
    public const string Best = "best";
    public static readonly IReadOnlyList<string> All = [Latest, Best];

    /// <summary>The name of a round's kept checkpoint ("round-10").</summary>
    public static string OfRound(int round) => $"round-{round}";

    /// <summary>The round a "round-N" name names; null for any other name.</summary>
    public static int? RoundOf(string name) =>
        name.StartsWith("round-", StringComparison.Ordinal)
        && int.TryParse(name.AsSpan(6), System.Globalization.NumberStyles.None, null, out var round) ? round : null;
}

/// <summary>
/// A job's global model as its journal holds it: after the last aggregated round (the final model once the job
/// ended), with what is needed to use it elsewhere: the model kind and size, and the features in input order.
/// </summary>
public sealed record JobModel : ICoordinatorMessage
{
    public required Guid JobId { get; init; }
    public required string JobName { get; init; }
    public required string Status { get; init; }
    public required string Schema { get; init; }
    public required IReadOnlyList<string> FeatureNames { get; init; }
    public required ModelSpec Model { get; init; }
    /// <summary>The round whose aggregate these weights are (0: the seeded initial model, before any round closed).</summary>
    public required int Round { get; init; }
    public required ModelWeights Weights { get; init; }
}

/// <summary>No model to give, and why (no such job).</summary>
public sealed record JobModelUnavailable : ICoordinatorMessage
{
    public required Guid JobId { get; init; }
    public required string Reason { get; init; }
}
