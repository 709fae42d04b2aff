namespace FedHealth.Learning.Sql;

/// <summary>
/// A site's data as the result of a SELECT on its own database. The connection string is given, or (to keep a
/// password out of the config file) named by the environment variable that holds it.
/// </summary>
public sealed class SqlSource
{
    /// <summary>The database kind; "postgresql" is the one supported.</summary>
    public required string Provider { get; init; }
    public string? ConnectionString { get; init; }
    /// <summary>The name of the environment variable holding the connection string.</summary>
    public string? ConnectionStringEnv { get; init; }
    /// <summary>A SELECT (or WITH … SELECT); it runs in a read-only transaction.</summary>
    public required string Query { get; init; }
    /// <summary>Optional: schema column name → result column name; a column not named here is read under its own name.</summary>
    public IReadOnlyDictionary<string, string>? Columns { get; init; }
    public int CommandTimeoutSeconds { get; init; } = 60;

    public const string PostgreSql = "postgresql";

    /// <summary>What is wrong with this declaration, each problem prefixed with <paramref name="at"/> and the field.</summary>
    public IEnumerable<string> Problems(string at)
    {
        if (Provider != PostgreSql) yield return $"{at}.provider: '{Provider}' is not supported (supported: {PostgreSql})";
        if ((ConnectionString is null) == (ConnectionStringEnv is null))
            yield return $"{at}.connectionString and {at}.connectionStringEnv: give one (the string, or the environment variable holding it)";
        var query = Query.TrimStart();
        if (!query.StartsWith("select", StringComparison.OrdinalIgnoreCase) && !query.StartsWith("with", StringComparison.OrdinalIgnoreCase))
            yield return $"{at}.query: must be a SELECT (or WITH … SELECT)";
        if (CommandTimeoutSeconds <= 0) yield return $"{at}.commandTimeoutSeconds: {CommandTimeoutSeconds} must be positive";
        foreach (var (column, result) in Columns ?? new Dictionary<string, string>())
            if (string.IsNullOrWhiteSpace(result)) yield return $"{at}.columns.{column}: the result column name is empty";
    }
}
