using System.Text.RegularExpressions;
using FedHealth.Governance;
using FedHealth.Learning.Data;

namespace FedHealth.SiteAgent;

/// <summary>Loads and checks a site configuration file; relative paths are taken from the file's folder.</summary>
public static partial class SiteConfigFile
{
    [GeneratedRegex("^[A-Z]{2}$")]
    private static partial Regex CountryPattern();

    /// <summary>Reads and checks the site config and the policy file it names.</summary>
    public static SiteConfig Load(string path) => WithPolicy(Read(path), path);

    /// <summary>Reads and checks the site config alone, paths made absolute; its policy file is not read yet.</summary>
    public static SiteConfig Read(string path)
    {
        var config = JsonFile.Read<SiteConfig>(path);
        var problems = new List<string>();
        if (FedHealth.Privacy.Enrolment.SiteIds.Problem(config.Site.Id) is { } id) problems.Add($"site.id: {id}");
        if (!CountryPattern().IsMatch(config.Site.Jurisdiction))
            problems.Add($"site.jurisdiction: '{config.Site.Jurisdiction}' is not an ISO 3166-1 alpha-2 country code such as DE or NL");
        if (config.Data.Images is not null)
        {
            if (config.Data.Csv is not null || config.Data.Sql is not null || config.Data.Schema is not null || config.Data.Rows is not null)
                problems.Add("data.images: an image site's data is its image schema alone; leave out csv, sql, schema and rows (one site, one source)");
        }
        else if ((config.Data.Csv is null) == (config.Data.Sql is null))
            problems.Add($"data.csv and data.sql: give exactly one (a CSV file or a SQL query), {(config.Data.Csv is null ? "neither is given" : "not both")}" +
                ", or data.images for an image site");
        else if (config.Data.Schema is null) problems.Add("data.schema: the schema file the rows are read through is missing");
        if (config.Data.Sql is { } sql) problems.AddRange(sql.Problems("data.sql"));
        if (config.Data.Rows is { } rows) problems.AddRange(rows.Problems("data.rows"));
        if (config.Data.TestFraction is <= 0 or >= 1) problems.Add($"data.testFraction: {config.Data.TestFraction} must lie strictly between 0 and 1");
        if (config.Training.Device is not ("auto" or "cpu" or "cuda")) problems.Add($"training.device: '{config.Training.Device}' is not auto, cpu or cuda");
        if (config.Training.HeartbeatInterval <= TimeSpan.Zero) problems.Add("training.heartbeatInterval: must be positive");
        if (config.Training.SimulatedDropoutRate is < 0 or >= 1)
            problems.Add($"training.simulatedDropoutRate: {config.Training.SimulatedDropoutRate} must lie in [0, 1)");
        if (config.MinParticipants < 2) problems.Add($"minParticipants: {config.MinParticipants} must be at least 2");
        if ((config.ConsortiumFile is null) != (config.IdentityKeyFile is null)) problems.Add("consortiumFile and identityKeyFile: give both or neither");
        if (config.Privacy is { } privacy)
            problems.AddRange(new FedHealth.Privacy.DifferentialPrivacy.PrivacyBudget(privacy.EpsilonBudget, privacy.Delta).Problems());
        if (problems.Count > 0) throw new DataException($"{path}: {string.Join("; ", problems)}");
        var folder = Path.GetDirectoryName(Path.GetFullPath(path))!;
        var policyFile = config.PolicyFile is null ? null : Path.GetFullPath(config.PolicyFile, folder);
        var enrolment = config.EnrolmentDir is null ? null : new EnrolmentFolder(Path.GetFullPath(config.EnrolmentDir, folder));
        return new SiteConfig
        {
            Site = config.Site,
            Training = config.Training,
            Privacy = config.Privacy,
            PolicyFile = policyFile,
            StateDir = Path.GetFullPath(config.StateDir ?? Path.Combine("state", config.Site.Id), folder),
            ConsortiumFile = config.ConsortiumFile is not null ? Path.GetFullPath(config.ConsortiumFile, folder) : enrolment?.Consortium,
            IdentityKeyFile = config.IdentityKeyFile is not null ? Path.GetFullPath(config.IdentityKeyFile, folder) : enrolment?.IdentityKey,
            EnrolmentDir = enrolment?.Dir,
            ConsortiumCaFile = config.ConsortiumCaFile is not null ? Path.GetFullPath(config.ConsortiumCaFile, folder)
                : enrolment is not null && File.Exists(enrolment.CaCertificate) ? enrolment.CaCertificate : null,
            MinParticipants = config.MinParticipants,
            Data = new SiteDataSource
            {
                Csv = config.Data.Csv is null ? null : Path.GetFullPath(config.Data.Csv, folder),
                Sql = config.Data.Sql,
                Schema = config.Data.Schema is null ? null : Path.GetFullPath(config.Data.Schema, folder),
                TestFraction = config.Data.TestFraction,
                SplitSeed = config.Data.SplitSeed,
                Rows = config.Data.Rows,
                Images = config.Data.Images is null ? null : Path.GetFullPath(config.Data.Images, folder),
            },
        };
    }

    /// <summary>
    /// Adds the policy named by a config from <see cref="Read"/>; the hospital's policy, where given, sets its DP
    /// budget and minimum participants.
    /// </summary>
    public static SiteConfig WithPolicy(SiteConfig config, string path)
    {
        if (config.PolicyFile is not { } policyFile) return config;
        SitePolicy policy;
        try { policy = SitePolicyFile.Load(policyFile); }
        catch (PolicyException e) { throw new DataException(e.Message); }
        if (policy.Jurisdiction != config.Site.Jurisdiction)
            throw new DataException(
                $"{policyFile}: jurisdiction '{policy.Jurisdiction}' differs from site.jurisdiction '{config.Site.Jurisdiction}' in {path}");
        return new SiteConfig
        {
            Site = config.Site, Data = config.Data, Training = config.Training, StateDir = config.StateDir,
            ConsortiumFile = config.ConsortiumFile, IdentityKeyFile = config.IdentityKeyFile, EnrolmentDir = config.EnrolmentDir,
            ConsortiumCaFile = config.ConsortiumCaFile, PolicyFile = policyFile, Policy = policy,
            Privacy = policy.Privacy is { } p ? new SitePrivacy { EpsilonBudget = p.EpsilonBudget, Delta = p.Delta } : config.Privacy,
            MinParticipants = policy.MinParticipants ?? config.MinParticipants,
        };
    }
}
