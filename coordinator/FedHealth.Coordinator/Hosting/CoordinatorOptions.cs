namespace FedHealth.Coordinator.Hosting;

/// <summary>The coordinator's settings, bound from the "Coordinator" configuration section.</summary>
public sealed class CoordinatorOptions
{
    public const string Sqlite = "Sqlite";
    public const string PostgreSql = "PostgreSql";

    /// <summary>Where the embedded SQLite journal lives when no connection string is given.</summary>
    public string DataDir { get; set; } = DefaultDataDir();
    /// <summary>"Sqlite" (embedded default) or "PostgreSql".</summary>
    public string Journal { get; set; } = Sqlite;
    /// <summary>Connection string of the journal database; for SQLite defaults to DataDir/journal.db.</summary>
    public string? ConnectionString { get; set; }
    /// <summary>Akka.NET remoting address of this node; port 0 picks a free one (single node).</summary>
    public string Hostname { get; set; } = "127.0.0.1";
    public int Port { get; set; }
    /// <summary>Seed nodes (akka.tcp://fedhealth@host:port); empty means this node forms its own cluster.</summary>
    public List<string> SeedNodes { get; set; } = [];
    /// <summary>
    /// This node's remoting certificate (PEM, from `fedhealth provision node-cert`), its key and the CA that signed every
    /// node's: set all three and nodes talk only over mutual TLS, each accepting a peer only with a coordinator-node
    /// certificate of that CA. Unset, remoting is plain TCP (a single node, or a private network segment).
    /// </summary>
    public string? RemotingCertFile { get; set; }
    public string? RemotingKeyFile { get; set; }
    public string? RemotingCaFile { get; set; }
    /// <summary>A site whose last heartbeat is older than this is shown offline and not chosen for new jobs.</summary>
    public TimeSpan SiteOfflineAfter { get; set; } = TimeSpan.FromSeconds(30);
    /// <summary>How often the job index re-sends each running job its start, so a job whose node died resumes on a survivor.</summary>
    public TimeSpan WakeJobsEvery { get; set; } = TimeSpan.FromSeconds(5);
    /// <summary>
    /// How long the cluster membership must be stable before the split-brain resolver downs unreachable nodes; a
    /// dead node's jobs move to survivors only after that. Shorter reacts faster but risks downing a node that only paused.
    /// </summary>
    public TimeSpan DowningStableAfter { get; set; } = TimeSpan.FromSeconds(10);
    /// <summary>
    /// How long a lead's or auditor's request may wait for the actors before the coordinator answers that it is not
    /// ready and why; well inside the requesters' own timeout (the dashboard's is 30 s), so the reason reaches them.
    /// </summary>
    public TimeSpan AnswerRequestsWithin { get; set; } = TimeSpan.FromSeconds(20);
    /// <summary>Akka.NET's own log level (DEBUG, INFO, WARNING, ERROR), printed to standard output.</summary>
    public string AkkaLogLevel { get; set; } = "INFO";
    /// <summary>
    /// Keep every event of every job (each site's update of every round) instead of pruning what a round-close snapshot
    /// covers: for audits of the journal itself; the journal then grows with every round of every job.
    /// </summary>
    public bool KeepJobHistory { get; set; }
    /// <summary>The consortium trust file (site signing keys, coordinator key); without it only jobs without secure aggregation run.</summary>
    public string? ConsortiumFile { get; set; }
    /// <summary>The coordinator's private sealing key (PEM); default DataDir/coordinator-key.pem, created when missing.</summary>
    public string? KeyFile { get; set; }
    /// <summary>
    /// The consortium CA's certificate (PEM): when set, a changed consortium file is taken while the coordinator runs
    /// only if that CA signed it (`provision site`, `provision revoke`). Unset: any newer version is taken (development).
    /// </summary>
    public string? ConsortiumCaFile { get; set; }
    /// <summary>How often the coordinator looks whether the consortium file changed (a revocation, an enrolment).</summary>
    public TimeSpan ConsortiumCheckInterval { get; set; } = TimeSpan.FromSeconds(5);
    /// <summary>The coordinator's private signing key (PEM) for every message it sends; default DataDir/coordinator-signing-key.pem (must exist).</summary>
    public string? SigningKeyFile { get; set; }
    /// <summary>Where the coordinator runs (ISO 3166-1 alpha-2): transfers to and from sites elsewhere go into the ledger.</summary>
    public string Jurisdiction { get; set; } = "NL";
    /// <summary>The consortium's name, which each site's policy must accept.</summary>
    public string Consortium { get; set; } = "fedhealth";
    /// <summary>The legal basis recorded for the coordinator's own transfers to another regime (same regime: sameRegime).</summary>
    public string OutboundLegalBasis { get; set; } = "standardContractualClauses";

    public static string DefaultDataDir() =>
        Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.Create), "fedhealth");

    public string JournalConnectionString() => Journal switch
    {
        Sqlite => ConnectionString ?? $"Data Source={Path.Combine(DataDir, "journal.db")}",
        PostgreSql => ConnectionString ?? throw new ArgumentException("Coordinator:ConnectionString is required for the PostgreSql journal"),
        _ => throw new ArgumentException($"Coordinator:Journal is '{Journal}', expected {Sqlite} or {PostgreSql}"),
    };

    public string ProviderName => Journal == PostgreSql ? "PostgreSQL" : "SQLite.MS";
}
