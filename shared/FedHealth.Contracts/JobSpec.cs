namespace FedHealth.Contracts;

/// <summary>
/// What a consortium lead asks for: which data schema (by name, with its feature names in order), which model,
/// how many rounds, how many sites a round needs, how long a round may wait, and the seed that makes it repeatable.
/// </summary>
public sealed record JobSpec
{
    public required string Name { get; init; }
    /// <summary>What the job computes (<see cref="JobKinds"/>): training unless it says otherwise.</summary>
    public string Kind { get; init; } = JobKinds.Training;
    public required string Schema { get; init; }
    public required IReadOnlyList<string> FeatureNames { get; init; }
    /// <summary>The model a training job trains; a label-counts job has none (the job rules say so when it is missing or not wanted).</summary>
    public ModelSpec Model { get; init; } = null!;
    public TrainingPlan Training { get; init; } = new();
    public int Rounds { get; init; } = 10;
    public int MinSites { get; init; } = 2;
    public TimeSpan RoundDeadline { get; init; } = TimeSpan.FromMinutes(2);
    public int Seed { get; init; } = 1;
    /// <summary>Sites that take part; empty means every site online with this schema when the job starts.</summary>
    public IReadOnlyList<string> Sites { get; init; } = [];
    /// <summary>Record-level DP-SGD at every site; null trains without differential privacy.</summary>
    public DpSgdSettings? Privacy { get; init; }
    /// <summary>Site-level DP-FedAvg on the aggregate; null leaves it off. Composes with secure aggregation and record-level DP.</summary>
    public SiteLevelDpSettings? SiteLevelPrivacy { get; init; }
    /// <summary>
    /// Secure aggregation (on by default): the coordinator only ever sees masked, sealed updates and learns their
    /// sum. Off only for strategies that need individual updates.
    /// </summary>
    public bool SecureAggregation { get; init; } = true;
    /// <summary>
    /// The ring secure aggregation sums in: 64 bits (8 bytes a parameter, any cohort) or 32 (4 bytes, the size of a plain
    /// update, for sites whose rows × weights stay small: each site declines a round whose input would not fit).
    /// </summary>
    public int SecureAggregationRingBits { get; init; } = 64;
    /// <summary>
    /// Who masks with whom: "full" (the default: every pair of sites, Bonawitz et al.) or "sparse" (SecAgg+, Bell et al.
    /// 2020: each site with <see cref="SecureAggregationNeighbours"/> sites of a random graph, its secrets shared among
    /// itself and them with threshold <see cref="SecureAggregationThreshold"/>; every party's work grows with log n, not n).
    /// See docs/privacy.md for the corrupt and dropped fractions each choice tolerates.
    /// </summary>
    public string SecureAggregationGraph { get; init; } = "full";
    /// <summary>The sparse graph's degree k: even, at least 2 (0 with the full graph).</summary>
    public int SecureAggregationNeighbours { get; init; }
    /// <summary>The sparse graph's Shamir threshold t among a site and its k neighbours: (k+1)/2 &lt; t ≤ k+1 (0 with the full graph).</summary>
    public int SecureAggregationThreshold { get; init; }
    /// <summary>
    /// Keep the global model of every k-th round too (0, the default: only the latest and the best are kept once the
    /// rounds are pruned from the journal). Each kept model stays in the job's snapshot, rewritten at every round.
    /// </summary>
    public int CheckpointEvery { get; init; }
    /// <summary>How the coordinator turns a round's updates into the next global model (FedAvg unless chosen).</summary>
    public StrategySpec Strategy { get; init; } = new();
    /// <summary>A personal model per site (fine-tuned or Ditto), reported beside the global one; null for none.</summary>
    public PersonalisationSpec? Personalisation { get; init; }
}
