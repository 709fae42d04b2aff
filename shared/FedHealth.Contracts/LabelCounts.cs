namespace FedHealth.Contracts;

/// <summary>The kinds of federated job (<see cref="JobSpec.Kind"/>).</summary>
public static class JobKinds
{
    /// <summary>Federated training: rounds of local training, aggregation and evaluation.</summary>
    public const string Training = "training";
    /// <summary>How many rows each label has across the sites, summed under secure aggregation: one round, no model.</summary>
    public const string LabelCounts = "label-counts";

    public static readonly IReadOnlyList<string> All = [Training, LabelCounts];
}

/// <summary>
/// The coordinator asking each site for its rows per label, to be sent only masked for the secure sum: the
/// coordinator learns the consortium's totals and nothing of any one site.
/// </summary>
public sealed record CountRequested : ICollectionRequest
{
    public required Guid JobId { get; init; }
    public required int Round { get; init; }
    public int Attempt { get; init; } = 1;
    public required string Schema { get; init; }
    public required IReadOnlyList<string> FeatureNames { get; init; }
    /// <summary>The labels counted, in the order of the summed vector (then the total of rows).</summary>
    public required IReadOnlyList<string> Labels { get; init; }
    public required SecureRoundSettings SecureRound { get; init; }
    /// <summary>Never set: a count leaves a site only masked.</summary>
    public RoundSealing? Sealing => null;
    public required IReadOnlyList<string> Participants { get; init; }
    public required DateTimeOffset Deadline { get; init; }
    public JobGovernance? Governance { get; init; }
    public string? LedgerHead { get; init; }
}

/// <summary>One label's rows across the contributing sites; null when fewer than the small-cell minimum (then only "fewer than" is shown).</summary>
public sealed record LabelCount
{
    public required string Label { get; init; }
    public long? Rows { get; init; }
}

/// <summary>The result of a label-counts job: the consortium's rows per label, who contributed and who was left out and why.</summary>
public sealed record LabelCountReport
{
    public required IReadOnlyList<LabelCount> Labels { get; init; }
    /// <summary>Null when from 1 to <see cref="SuppressedBelow"/> − 1, like any small cell.</summary>
    public required long? TotalRows { get; init; }
    public required IReadOnlyList<string> Contributors { get; init; }
    public required IReadOnlyList<SiteLeftOut> LeftOut { get; init; }
    /// <summary>Counts from 1 to this minus one are withheld (shown as fewer than this).</summary>
    public required int SuppressedBelow { get; init; }
    public required DateTimeOffset CompletedAt { get; init; }
}
