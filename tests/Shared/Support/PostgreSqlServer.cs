using Npgsql;

namespace FedHealth.Tests.Support;

/// <summary>
/// A real PostgreSQL server for the tests, installed from Debian's packages and started on loopback by the
/// project's infra/postgresql scripts, on a port and in a folder of its own; each test gets a fresh database.
/// </summary>
public sealed class PostgreSqlServer : IDisposable
{
    public static readonly int Port = ServerPorts.FreeRun(1);
    private readonly string dataDir = Directory.CreateTempSubdirectory("fedhealth-postgresql-").FullName;

    public PostgreSqlServer()
    {
        var (code, output) = Script("start.sh");
        if (code != 0) throw new InvalidOperationException($"PostgreSQL did not start (infra/postgresql/start.sh exited {code}):\n{output}");
    }

    /// <summary>Creates an empty database and returns its connection string.</summary>
    public string NewDatabase()
    {
        var name = $"fedhealth_{Guid.NewGuid():N}";
        using (var connection = new NpgsqlConnection($"Host=127.0.0.1;Port={Port};Username=postgres;Database=postgres"))
        {
            connection.Open();
            using var command = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
            command.ExecuteNonQuery();
        }
        return $"Host=127.0.0.1;Port={Port};Username=postgres;Database={name}";
    }

    public void Dispose()
    {
        NpgsqlConnection.ClearAllPools();
        Script("stop.sh");
        try { Directory.Delete(dataDir, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    private (int Code, string Output) Script(string name) =>
        InfraScript.Run("postgresql", name, new Dictionary<string, string> { ["FEDHEALTH_PG_PORT"] = Port.ToString(), ["FEDHEALTH_PG_DIR"] = dataDir });
}

[CollectionDefinition(Name)]
public sealed class PostgreSqlCollection : ICollectionFixture<PostgreSqlServer>
{
    public const string Name = "real PostgreSQL";
}
