using FedHealth.Contracts;

namespace FedHealth.Cli.Local;

/// <summary>What `fedhealth local` was asked for.</summary>
public sealed record LocalRunOptions
{
    public int Rounds { get; init; } = 20;
    /// <summary>The kind of job to run (<see cref="JobKinds"/>): training unless asked for a label count.</summary>
    public string JobKind { get; init; } = JobKinds.Training;
    public int Seed { get; init; } = 1;
    public bool Headless { get; init; }
    public required string DataDir { get; init; }
    public string? SummaryPath { get; init; }
    public string Model { get; init; } = "logistic";
    /// <summary>The layers of a "declared" model (read from the file <c>--layers</c> names); null for a preset.</summary>
    public IReadOnlyList<LayerSpec>? Layers { get; init; }
    public int Port { get; init; } = 5080;
    /// <summary>Further dashboard settings (keys as in its configuration, e.g. Dashboard:Oidc:Authority); none unless given.</summary>
    public IReadOnlyDictionary<string, string?> DashboardSettings { get; init; } = new Dictionary<string, string?>();
    /// <summary>Where the federation's /metrics (Prometheus) and /healthz are served on 127.0.0.1; null: not served.</summary>
    public int? MetricsPort { get; init; }
    public required string FederationDir { get; init; }
    public double LearningRate { get; init; } = 0.05;
    public int LocalEpochs { get; init; } = 1;
    public int BatchSize { get; init; } = 32;
    /// <summary>When set, every site gets this ε budget (δ = 1e-5) and the job's DP-SGD noise is set to spend it over the whole job.</summary>
    public double? DpEpsilon { get; init; }
    /// <summary>Poisson sampling rate of DP-SGD (1/rate steps per epoch).</summary>
    public double DpSamplingRate { get; init; } = 0.1;
    public double DpClipNorm { get; init; } = 1.0;
    public const double DpDelta = 1e-5;
    /// <summary>The coordinator's aggregation strategy (fedavg unless chosen).</summary>
    public StrategySpec Strategy { get; init; } = new();
    /// <summary>A personal model per site (finetune or ditto), or null.</summary>
    public PersonalisationSpec? Personalisation { get; init; }
    /// <summary>FedProx's μ for every site's local training (0: plain SGD).</summary>
    public double ProximalMu { get; init; }
    /// <summary>Averages plain updates instead of running secure aggregation (for comparison and debugging).</summary>
    public bool PlainAggregation { get; init; }
    /// <summary>The ring of the secure sum: 64 bits, or 32 (half the bytes on the wire and in the journal).</summary>
    public int SecureRingBits { get; init; } = 64;
    /// <summary>Who masks with whom in the secure sum: "full" (every pair) or "sparse" (SecAgg+, k neighbours each).</summary>
    public string SecureGraph { get; init; } = "full";
    /// <summary>Site-level DP-FedAvg for the job (each site's whole data protected), or null.</summary>
    public SiteLevelDpSettings? SiteLevelPrivacy { get; init; }
    /// <summary>
    /// Where the simulated consortium's coordinator runs; transfers to sites elsewhere go into the ledger. Unset: where
    /// every site is, when they are all in one country (a US consortium runs its coordinator in the US), else NL.
    /// </summary>
    public string? CoordinatorJurisdiction { get; init; }
    /// <summary>A PostgreSQL connection string for the journal instead of the embedded SQLite file.</summary>
    public string? PostgreSqlJournal { get; init; }
    /// <summary>How long a round step may wait for sites.</summary>
    public TimeSpan RoundDeadline { get; init; } = TimeSpan.FromMinutes(2);
    /// <summary>Soak runs: the share of round attempts each site ignores, as if it had crashed.</summary>
    public double SimulatedDropoutRate { get; init; }

    public static string DefaultFederationDir() => ShippedFederation("breast-prognosis");

    /// <summary>A federation shipped with FedHealth (infra/federations/NAME) or a folder path, refused with the list of those there are.</summary>
    public static string ShippedFederation(string name)
    {
        // A folder of one's own (a path holding sites/) runs as it is.
        if (name.Contains(Path.DirectorySeparatorChar) && Directory.Exists(Path.Combine(name, "sites"))) return Path.GetFullPath(name);
        var root = Path.Combine(AppContext.BaseDirectory, "federations");
        var folder = Path.Combine(root, name);
        if (Directory.Exists(Path.Combine(folder, "sites"))) return folder;
        IEnumerable<string?> known = Directory.Exists(root) ? Directory.GetDirectories(root).Select(Path.GetFileName).Order() : [];
        throw new ArgumentException($"--federation: no federation '{name}' (there are: {string.Join(", ", known)})");
    }
}
