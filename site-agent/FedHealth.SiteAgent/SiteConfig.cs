using FedHealth.Learning.Data;

namespace FedHealth.Sites;

/// <summary>A hospital's own site configuration file (JSON): who the site is, where its data is, how it trains.</summary>
public sealed class SiteConfig
{
    public required SiteIdentity Site { get; init; }
    public required SiteDataSource Data { get; init; }
    public SiteTraining Training { get; init; } = new();
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

/// <summary>The local CSV, the schema that maps it to the consortium's features, and the local train/test split.</summary>
public sealed class SiteDataSource
{
    public required string Csv { get; init; }
    public required string Schema { get; init; }
    public double TestFraction { get; init; } = 0.3;
    public int SplitSeed { get; init; } = 1;
    /// <summary>Optional: only the rows this site holds (e.g. a simulated hospital cut from a registry by year).</summary>
    public RowFilter? Rows { get; init; }
}

/// <summary>"auto" picks CUDA when present, else CPU; "cpu" or "cuda" force one (cuda fails to start without a GPU).</summary>
public sealed class SiteTraining
{
    public string Device { get; init; } = "auto";
    public TimeSpan HeartbeatInterval { get; init; } = TimeSpan.FromSeconds(5);
}
