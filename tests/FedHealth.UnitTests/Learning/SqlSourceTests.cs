using System.Data;
using DataException = FedHealth.Learning.Data.DataException;
using FedHealth.Learning.Data;
using FedHealth.Learning.Sql;
using FedHealth.SiteAgent;
using FedHealth.Tests.Support;

namespace FedHealth.Tests.Learning;

/// <summary>A query's result read as the schema's table, and the site config that declares it: no database needed.</summary>
[Collection(TorchCollection.Name)]
public sealed class SqlSourceTests : IDisposable
{
    private readonly TempFolder temp = new();

    [Fact]
    public void Values_become_the_text_a_CSV_cell_would_hold()
    {
        Assert.Equal("", SqlResultTable.Cell(DBNull.Value, "number"));
        Assert.Equal("0.1", SqlResultTable.Cell(0.1, "number"));
        Assert.Equal("0.1", SqlResultTable.Cell(0.1f, "number"));
        Assert.Equal("12.50", SqlResultTable.Cell(12.50m, "number"));
        Assert.Equal("-7", SqlResultTable.Cell(-7L, "number"));
        Assert.Equal("1", SqlResultTable.Cell(true, "number"));
        Assert.Equal("false", SqlResultTable.Cell(false, "category"));
        Assert.Equal("II", SqlResultTable.Cell("II", "category"));
        Assert.Null(SqlResultTable.Cell(new DateTime(2020, 1, 1), "number"));
        Assert.Null(SqlResultTable.Cell(new byte[] { 1 }, "category"));
    }

    [Fact]
    public void A_renamed_result_gives_the_same_data_as_the_CSV()
    {
        var fromCsv = SchemaReader.Read(temp.File("data.csv", "age,stage,outcome\n60,II,yes\n40.5,I,no\n"), Schema());
        var result = Result(("years", typeof(double)), ("stage", typeof(string)), ("outcome", typeof(string)));
        result.Rows.Add(60.0, "II", "yes");
        result.Rows.Add(40.5, "I", "no");
        var fromSql = Read(result, new Dictionary<string, string> { ["age"] = "years" });
        Assert.Equal(fromCsv.FeatureNames, fromSql.FeatureNames);
        Assert.Equal(fromCsv.Features, fromSql.Features);
        Assert.Equal(fromCsv.Labels, fromSql.Labels);
    }

    [Fact]
    public void A_NULL_is_treated_like_an_empty_CSV_cell_and_named_with_its_row()
    {
        var csv = Assert.Throws<DataException>(() => SchemaReader.Read(temp.File("data.csv", "age,stage,outcome\n60,II,yes\n,I,no\n"), Schema()));
        var result = Result(("age", typeof(double)), ("stage", typeof(string)), ("outcome", typeof(string)));
        result.Rows.Add(60.0, "II", "yes");
        result.Rows.Add(DBNull.Value, "I", "no");
        var sql = Assert.Throws<DataException>(() => Read(result));
        Assert.EndsWith("the value is missing", csv.Message);
        Assert.EndsWith("the value is missing", sql.Message);
        Assert.Contains("test source: row 2, column 'age' (result column 'age') of schema 'small'", sql.Message);
    }

    [Fact]
    public void A_value_of_a_type_that_does_not_convert_is_named_with_row_and_column()
    {
        var result = Result(("born", typeof(DateTime)), ("stage", typeof(string)), ("outcome", typeof(string)));
        result.Rows.Add(new DateTime(1960, 5, 1), "II", "yes");
        var e = Assert.Throws<DataException>(() => Read(result, new Dictionary<string, string> { ["age"] = "born" }));
        Assert.Contains("test source: row 1, column 'age' (result column 'born') of schema 'small': a DateTime value does not convert to a number", e.Message);
    }

    [Fact]
    public void A_missing_column_is_named_with_what_the_result_has()
    {
        var result = Result(("age", typeof(double)), ("outcome", typeof(string)));
        result.Rows.Add(60.0, "yes");
        var e = Assert.Throws<DataException>(() => Read(result, new Dictionary<string, string> { ["stage"] = "tumour_stage" }));
        Assert.Contains("'stage' (result column 'tumour_stage')", e.Message);
        Assert.Contains("the result has: age, outcome", e.Message);
    }

    [Fact]
    public void A_mapping_of_an_undeclared_column_and_an_empty_result_are_refused()
    {
        var result = Result(("age", typeof(double)), ("stage", typeof(string)), ("outcome", typeof(string)));
        var typo = Assert.Throws<DataException>(() => Read(result, new Dictionary<string, string> { ["agee"] = "age" }));
        Assert.Contains("columns maps 'agee', not a column of schema 'small'", typo.Message);
        var empty = Assert.Throws<DataException>(() => Read(result));
        Assert.Contains("test source: the query returned no rows", empty.Message);
    }

    [Fact]
    public void A_site_config_with_both_or_neither_csv_and_sql_is_refused_naming_the_fields()
    {
        var sql = """ "sql": { "provider": "postgresql", "connectionStringEnv": "DB", "query": "SELECT * FROM t" } """;
        var both = Assert.Throws<DataException>(() => SiteConfigFile.Load(Site($$"""{ "csv": "a.csv", {{sql}}, "schema": "s.json" }""")));
        Assert.Contains("data.csv and data.sql: give exactly one", both.Message);
        Assert.Contains("not both", both.Message);
        var neither = Assert.Throws<DataException>(() => SiteConfigFile.Load(Site("""{ "schema": "s.json" }""")));
        Assert.Contains("data.csv and data.sql: give exactly one", neither.Message);
        Assert.Contains("neither is given", neither.Message);
    }

    [Fact]
    public void A_sql_source_with_a_wrong_field_is_refused_naming_it()
    {
        var e = Assert.Throws<DataException>(() => SiteConfigFile.Load(Site("""
            { "sql": { "provider": "mysql", "connectionString": "Host=h", "connectionStringEnv": "DB", "query": "DELETE FROM t", "commandTimeoutSeconds": 0 }, "schema": "s.json" }
            """)));
        Assert.Contains("data.sql.provider: 'mysql' is not supported", e.Message);
        Assert.Contains("data.sql.connectionString and data.sql.connectionStringEnv: give one", e.Message);
        Assert.Contains("data.sql.query: must be a SELECT", e.Message);
        Assert.Contains("data.sql.commandTimeoutSeconds: 0 must be positive", e.Message);
    }

    [Fact]
    public void A_sql_source_is_loaded_with_its_column_mapping()
    {
        var config = SiteConfigFile.Load(Site("""
            { "sql": { "provider": "postgresql", "connectionStringEnv": "SITE_DB", "query": "SELECT * FROM t ORDER BY id", "columns": { "size": "tumour_size" } }, "schema": "s.json" }
            """));
        Assert.Null(config.Data.Csv);
        Assert.Equal("SITE_DB", config.Data.Sql!.ConnectionStringEnv);
        Assert.Equal("tumour_size", config.Data.Sql.Columns!["size"]);
    }

    [Fact]
    public void A_sql_site_config_is_provisioned_with_its_query_kept_and_its_schema_path_made_absolute()
    {
        var source = Site("""{ "sql": { "provider": "postgresql", "connectionStringEnv": "SITE_DB", "query": "SELECT * FROM t" }, "schema": "s.json" }""");
        var copy = temp.File("provisioned.json", SiteConfigProvisioning.WithKeys(source, "consortium.json", "key.pem", "state"));
        var config = SiteConfigFile.Load(copy);
        Assert.Equal("SELECT * FROM t", config.Data.Sql!.Query);
        Assert.Equal(Path.Combine(temp.Path, "s.json"), config.Data.Schema);
    }

    private string Site(string data) => temp.File("site.json", $$"""{ "site": { "id": "X", "jurisdiction": "DE" }, "data": {{data}} }""");

    private DataSchema Schema() => SchemaFile.Load(temp.File("schema.json", SmallSchema.Json));

    private TabularData Read(DataTable result, IReadOnlyDictionary<string, string>? columns = null)
    {
        var schema = Schema();
        using var reader = result.CreateDataReader();
        return SchemaReader.Read(SqlResultTable.From(reader, "test source", schema, SchemaReader.Needed(schema, null), columns), schema);
    }

    private static DataTable Result(params (string Name, Type Type)[] columns)
    {
        var table = new DataTable();
        foreach (var (name, type) in columns) table.Columns.Add(name, type);
        return table;
    }

    public void Dispose() => temp.Dispose();
}
