using FedHealth.Learning.Data;
using FedHealth.Learning.Sql;

namespace FedHealth.SiteAgent;

/// <summary>A hospital's own site configuration file (JSON): who the site is, where its data is, how it trains.</summary>
public sealed class SiteConfig
{
    public required SiteIdentity Site { get; init; }
    public required SiteDataSource Data { get; init; }
    public SiteTraining Training { get; init; } = new();
    /// <summary>The hospital's own differential-privacy budget for its data; null accepts jobs with or without DP.</summary>
    public SitePrivacy? Privacy { get; init; }
    /// <summary>Where the site keeps its own records (privacy ledger); relative to the config file. Default: state/SITE-ID.</summary>
    public string? StateDir { get; init; }
    /// <summary>The consortium trust file (every site's signing key, the coordinator's key); needed for secure aggregation.</summary>
    public string? ConsortiumFile { get; init; }
    /// <summary>This site's private signing key (PEM), registered in the consortium file.</summary>
    public string? IdentityKeyFile { get; init; }
    /// <summary>
    /// Where `enroll` keeps this site's keys, certificates, consortium file and broker settings (relative to the config
    /// file). When set, consortiumFile and identityKeyFile default to the files in it.
    /// </summary>
    public string? EnrolmentDir { get; init; }
    /// <summary>
    /// The consortium CA's certificate (PEM): the site takes a newer consortium file relayed by the coordinator (a site
    /// enrolled, rotated or revoked) only when this CA signed it. Defaults to the enrolment folder's ca-cert.pem; without
    /// either, the site keeps the file it started with.
    /// </summary>
    public string? ConsortiumCaFile { get; init; }
    /// <summary>The fewest sites this site aggregates with: with two, each would learn the other's update from the sum.</summary>
    public int MinParticipants { get; init; } = 3;
    /// <summary>The hospital's transfer policy file (jurisdiction, destinations, legal bases, data kinds, consortia).</summary>
    public string? PolicyFile { get; init; }
    /// <summary>The loaded policy (from <see cref="PolicyFile"/>); null runs without transfer checks (development).</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public FedHealth.Governance.SitePolicy? Policy { get; init; }

    public SiteConfig WithStateDir(string stateDir) => Copy(stateDir, Privacy, Training);
    public SiteConfig WithPrivacy(SitePrivacy privacy) => Copy(StateDir, privacy, Training);
    public SiteConfig WithTraining(SiteTraining training) => Copy(StateDir, Privacy, training);

    private SiteConfig Copy(string? stateDir, SitePrivacy? privacy, SiteTraining training) => new()
    {
        Site = Site, Data = Data, Training = training, Privacy = privacy, StateDir = stateDir, ConsortiumFile = ConsortiumFile,
        IdentityKeyFile = IdentityKeyFile, EnrolmentDir = EnrolmentDir, ConsortiumCaFile = ConsortiumCaFile, MinParticipants = MinParticipants,
        PolicyFile = PolicyFile, Policy = Policy,
    };
}

/// <summary>
/// A hospital's limit on the privacy loss of its records over every job: ε and δ of (ε, δ)-DP. With a budget
/// set, the site takes part only in DP-SGD jobs and declines a round that would take it over the budget.
/// </summary>
public sealed class SitePrivacy
{
    public required double EpsilonBudget { get; init; }
    public double Delta { get; init; } = 1e-5;
}

/// <summary>The site's identity in the federation and the jurisdiction its data lives under (ISO 3166-1 alpha-2).</summary>
public sealed class SiteIdentity
{
    public required string Id { get; init; }
    public required string Jurisdiction { get; init; }
    public string? Description { get; init; }
    /// <summary>True for a simulated hospital (a split of a real cohort), shown as such everywhere.</summary>
    public bool Simulated { get; init; }
}

/// <summary>
/// The local data (a CSV file or a SQL query, exactly one), the schema that maps it to the consortium's features,
/// and the local train/test split.
/// </summary>
public sealed class SiteDataSource
{
    public string? Csv { get; init; }
    public SqlSource? Sql { get; init; }
    /// <summary>The tabular schema file the CSV or SQL rows are read through; an image site (<see cref="Images"/> alone) has none.</summary>
    public string? Schema { get; init; }
    public double TestFraction { get; init; } = 0.3;
    public int SplitSeed { get; init; } = 1;
    /// <summary>Optional: only the rows this site holds (e.g. a simulated hospital cut from a registry by year).</summary>
    public RowFilter? Rows { get; init; }
    /// <summary>
    /// An image site's source instead of csv/sql and schema: an image schema file (docs/site-data.md, "Image sources").
    /// The site then trains and scores on its images, read from disk a batch at a time.
    /// </summary>
    public string? Images { get; init; }

    [System.Text.Json.Serialization.JsonIgnore]
    public bool IsImageSite => Images is not null;
}

/// <summary>"auto" picks CUDA when present, else CPU; "cpu" or "cuda" force one (cuda fails to start without a GPU).</summary>
public sealed class SiteTraining
{
    public string Device { get; init; } = "auto";
    public TimeSpan HeartbeatInterval { get; init; } = TimeSpan.FromSeconds(5);
    /// <summary>For soak and chaos runs only: the share of round attempts this site ignores, as if it had crashed mid-round.</summary>
    public double SimulatedDropoutRate { get; init; }
}
