using IsolationLevel = System.Data.IsolationLevel;
using System.Data.Common;
using FedHealth.Learning.Data;
using Npgsql;

namespace FedHealth.Learning.Sql;

/// <summary>Runs a site's query in a read-only transaction and reads its result as the schema's table.</summary>
public static class SqlTableReader
{
    public static TabularData Read(SqlSource sql, DataSchema schema, RowFilter? rows = null) =>
        SchemaReader.Read(ReadTable(sql, schema, rows), schema, rows);

    public static CsvTable ReadTable(SqlSource sql, DataSchema schema, RowFilter? rows = null)
    {
        var connectionString = ConnectionString(sql);
        var source = Describe(sql, connectionString);
        try
        {
            using var connection = Factory(sql.Provider).CreateConnection()!;
            connection.ConnectionString = connectionString;
            connection.Open();
            // The site only ever reads its hospital's database, whatever the query says.
            using var transaction = connection.BeginTransaction(IsolationLevel.RepeatableRead);
            using (var readOnly = connection.CreateCommand())
            {
                readOnly.Transaction = transaction;
                readOnly.CommandText = "SET TRANSACTION READ ONLY";
                readOnly.ExecuteNonQuery();
            }
            using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = sql.Query;
            command.CommandTimeout = sql.CommandTimeoutSeconds;
            using var reader = command.ExecuteReader();
            return SqlResultTable.From(reader, source, schema, SchemaReader.Needed(schema, rows), sql.Columns);
        }
        catch (DbException e)
        {
            var reason = e.InnerException is { } inner ? $"{e.Message} ({inner.Message})" : e.Message;
            throw new DataException($"{source}: reading failed: {WithoutPassword(reason, connectionString)}");
        }
    }

    private static string ConnectionString(SqlSource sql)
    {
        if (sql.ConnectionString is { } given) return given;
        var name = sql.ConnectionStringEnv!;
        return Environment.GetEnvironmentVariable(name) is { Length: > 0 } value
            ? value
            : throw new DataException($"data.sql.connectionStringEnv: the environment variable '{name}' is not set");
    }

    private static DbProviderFactory Factory(string provider) => provider switch
    {
        SqlSource.PostgreSql => NpgsqlFactory.Instance,
        _ => throw new DataException($"data.sql.provider: '{provider}' is not supported (supported: {SqlSource.PostgreSql})"),
    };

    /// <summary>Names the source in errors by provider, host and database: never the connection string, which may hold a password.</summary>
    public static string Describe(SqlSource sql, string connectionString)
    {
        try
        {
            var b = new NpgsqlConnectionStringBuilder(connectionString);
            return $"SQL source {sql.Provider}://{b.Host}:{b.Port}/{b.Database}";
        }
        catch (ArgumentException e)
        {
            throw new DataException($"data.sql: the connection string is not valid ({e.Message})");
        }
    }

    private static string WithoutPassword(string message, string connectionString)
    {
        var password = new NpgsqlConnectionStringBuilder(connectionString).Password;
        return string.IsNullOrEmpty(password) ? message : message.Replace(password, "***", StringComparison.Ordinal);
    }
}
