using FedHealth.Learning.Data;
using FedHealth.Learning.Sql;
using FedHealth.Tests.Support;
using Npgsql;
using NpgsqlTypes;

namespace FedHealth.Tests.Learning;

/// <summary>A site's data read from a real PostgreSQL table gives what its CSV gives; what is wrong is said clearly.</summary>
[Collection(PostgreSqlCollection.Name)]
public sealed class SqlSourcePostgreSqlTests(PostgreSqlServer server)
{
    private static readonly string Csv = Path.Combine(Paths.Federation, "data", "rotterdam-netherlands.csv");
    private static readonly DataSchema Schema = SchemaFile.Load(Path.Combine(Paths.Federation, "schema.rotterdam.json"));
    private static readonly RowFilter SiteA = new() { Column = "year", Max = 1985 };
    private static readonly Dictionary<string, string> Renamed = new() { ["size"] = "tumour_size", ["year"] = "surgery_year" };

    [Fact]
    public async Task A_registry_table_with_renamed_columns_gives_the_same_features_labels_and_split_as_its_CSV()
    {
        var connection = server.NewDatabase();
        await LoadRegistry(connection);
        var variable = $"FEDHEALTH_TEST_DB_{Guid.NewGuid():N}";
        Environment.SetEnvironmentVariable(variable, connection);
        try
        {
            var sql = new SqlSource
            {
                Provider = SqlSource.PostgreSql, ConnectionStringEnv = variable, Columns = Renamed,
                Query = "SELECT * FROM registry ORDER BY csv_line",
            };
            var fromSql = SqlTableReader.Read(sql, Schema, SiteA);
            var fromCsv = SchemaReader.Read(Csv, Schema, SiteA);
            Assert.Equal(fromCsv.FeatureNames, fromSql.FeatureNames);
            Assert.Equal(fromCsv.Features, fromSql.Features);
            Assert.Equal(fromCsv.Labels, fromSql.Labels);
            var (csvSplit, sqlSplit) = (TrainTestSplit.Stratified(fromCsv, 0.3, 1), TrainTestSplit.Stratified(fromSql, 0.3, 1));
            Assert.Equal(csvSplit.Train.Features, sqlSplit.Train.Features);
            Assert.Equal(csvSplit.Test.Labels, sqlSplit.Test.Labels);
        }
        finally
        {
            Environment.SetEnvironmentVariable(variable, null);
        }
    }

    [Fact]
    public async Task A_missing_column_a_bad_value_a_failing_query_and_an_empty_result_are_each_named()
    {
        var connection = server.NewDatabase() + ";Password=s3cret-pw";
        await LoadRegistry(connection);
        await Execute(connection, "UPDATE registry SET age = 'fifty' WHERE csv_line = 3");
        SqlSource Query(string query) => new() { Provider = SqlSource.PostgreSql, ConnectionString = connection, Columns = Renamed, Query = query };

        var missing = Assert.Throws<DataException>(() => SqlTableReader.Read(Query("SELECT pid, age FROM registry"), Schema, SiteA));
        Assert.Contains("'size' (result column 'tumour_size')", missing.Message);
        Assert.Contains("missing from the query's result (the result has: pid, age)", missing.Message);

        var bad = Assert.Throws<DataException>(() => SqlTableReader.Read(Query("SELECT * FROM registry ORDER BY csv_line"), Schema, SiteA));
        Assert.Contains("row 2, column 'age' (result column 'age') of schema 'breast-prognosis': 'fifty' is not a number", bad.Message);

        var failing = Assert.Throws<DataException>(() => SqlTableReader.Read(Query("SELECT * FROM no_such_table"), Schema, SiteA));
        Assert.Contains("SQL source postgresql://127.0.0.1:", failing.Message);
        Assert.Contains("relation \"no_such_table\" does not exist", failing.Message);
        Assert.DoesNotContain("s3cret-pw", failing.Message);

        var empty = Assert.Throws<DataException>(() => SqlTableReader.Read(Query("SELECT * FROM registry WHERE false"), Schema, SiteA));
        Assert.Contains("the query returned no rows", empty.Message);
    }

    [Fact]
    public async Task The_query_runs_read_only()
    {
        var connection = server.NewDatabase();
        await LoadRegistry(connection);
        var sql = new SqlSource
        {
            Provider = SqlSource.PostgreSql, ConnectionString = connection, Columns = Renamed,
            Query = "WITH gone AS (DELETE FROM registry RETURNING *) SELECT * FROM gone",
        };
        var e = Assert.Throws<DataException>(() => SqlTableReader.Read(sql, Schema, SiteA));
        Assert.Contains("read-only transaction", e.Message);
    }

    /// <summary>The shipped registry CSV as a table, in file order, with two columns under a hospital's own names.</summary>
    private static async Task LoadRegistry(string connection)
    {
        var table = CsvTable.Read(Csv);
        var names = table.Header.Select(h => Renamed.GetValueOrDefault(h, h)).ToList();
        // age is text so a test can store a value that is not a number; the rest keep their natural types.
        string Type(string column) => column switch { "tumour_size" or "age" => "text", "surgery_year" or "pid" => "integer", _ => "double precision" };
        await Execute(connection, $"CREATE TABLE registry (csv_line integer, {string.Join(", ", names.Select(n => $"{n} {Type(n)}"))})");
        await using var db = new NpgsqlConnection(connection);
        await db.OpenAsync();
        await using var copy = await db.BeginBinaryImportAsync($"COPY registry (csv_line, {string.Join(", ", names)}) FROM STDIN (FORMAT BINARY)");
        foreach (var row in table.Rows)
        {
            await copy.StartRowAsync();
            await copy.WriteAsync(row.Line, NpgsqlDbType.Integer);
            for (var i = 0; i < names.Count; i++)
            {
                var cell = row.Fields[i];
                if (cell.Length == 0) await copy.WriteNullAsync();
                else if (Type(names[i]) == "text") await copy.WriteAsync(cell, NpgsqlDbType.Text);
                else if (Type(names[i]) == "integer")
                    await copy.WriteAsync(int.Parse(cell, System.Globalization.CultureInfo.InvariantCulture), NpgsqlDbType.Integer);
                else await copy.WriteAsync(double.Parse(cell, System.Globalization.CultureInfo.InvariantCulture), NpgsqlDbType.Double);
            }
        }
        await copy.CompleteAsync();
    }

    private static async Task Execute(string connection, string statement)
    {
        await using var db = new NpgsqlConnection(connection);
        await db.OpenAsync();
        await using var command = new NpgsqlCommand(statement, db);
        await command.ExecuteNonQueryAsync();
    }
}
