using FedHealth.Learning.Data;
using FedHealth.SiteAgent;
using FedHealth.Tests.Support;

namespace FedHealth.Tests.Learning;

[Collection(TorchCollection.Name)]
public sealed class SchemaReaderTests : IDisposable
{
    private readonly TempFolder temp = new();

    [Fact]
    public void The_shipped_gbsg_cohort_gives_the_published_labelled_counts()
    {
        var schema = SchemaFile.Load(Path.Combine(Paths.Federation, "schema.gbsg.json"));
        var data = SchemaReader.Read(Path.Combine(Paths.Federation, "data", "gbsg-germany.csv"), schema);
        Assert.Equal(408, data.Rows);
        Assert.Equal(285, data.Positives);
        Assert.Equal(["age", "meno", "size", "grade", "nodes", "pgr", "er", "hormon"], data.FeatureNames);
    }

    [Fact]
    public void The_rotterdam_registry_gives_the_published_counts_and_its_year_split_covers_every_row_once()
    {
        var schema = SchemaFile.Load(Path.Combine(Paths.Federation, "schema.rotterdam.json"));
        var csv = Path.Combine(Paths.Federation, "data", "rotterdam-netherlands.csv");
        var all = SchemaReader.Read(csv, schema);
        Assert.Equal(2856, all.Rows);
        Assert.Equal(1275, all.Positives);
        var parts = new[] { new RowFilter { Column = "year", Max = 1985 }, new RowFilter { Column = "year", Min = 1986, Max = 1988 },
            new RowFilter { Column = "year", Min = 1989 } }
            .Select(f => SchemaReader.Read(csv, schema, f)).ToList();
        Assert.Equal(all.Rows, parts.Sum(p => p.Rows));
        Assert.Equal(all.Positives, parts.Sum(p => p.Positives));
    }

    [Fact]
    public void An_event_is_dated_by_its_own_time_column_never_by_the_earliest_of_them()
    {
        // R survival's rotterdam: time rtime where recur = 1, else dtime. A death after the recurrence follow-up ended
        // (rtime 900, dtime 2500) is not an event within 5 years, whatever the earlier rtime says.
        var schema = new DataSchema
        {
            Name = "s",
            Columns = [Number("x"), Number("rtime"), Number("recur"), Number("dtime"), Number("death")],
            Features = [new FeatureDefinition { Name = "x", Column = "x" }],
            Label = new LabelDefinition
            {
                Kind = LabelDefinition.EventWithin, TimeColumns = ["rtime", "dtime"], EventColumns = ["recur", "death"], Horizon = 1826,
            },
        };
        var csv = temp.File("r.csv", "x,rtime,recur,dtime,death\n1,900,0,2500,1\n2,700,1,2600,1\n3,1500,0,1600,1\n4,900,0,1000,0\n5,2000,0,2100,0\n");
        var data = SchemaReader.Read(csv, schema);
        // Rows: death after 5 years (0), recurrence at 700 (1), death at 1600 (1), censored at 1000 (no label), followed past 5 years (0).
        Assert.Equal([0f, 1f, 1f, 0f], data.Labels);
        Assert.Equal([1f, 2f, 3f, 5f], data.Features);
    }

    private static ColumnDeclaration Number(string name) => new() { Name = name, Type = "number" };

    [Fact]
    public void Features_follow_the_declared_transforms()
    {
        var data = Read("age,stage,outcome\n60,II,yes\n40,I,no\n");
        Assert.Equal([1f, 1f, -1f, 0f], data.Features);
        Assert.Equal([1f, 0f], data.Labels);
    }

    [Fact]
    public void A_missing_column_is_named_with_the_file_and_header_line()
    {
        var e = Assert.Throws<DataException>(() => Read("age,outcome\n60,yes\n40,no\n"));
        Assert.Contains("data.csv: line 1", e.Message);
        Assert.Contains("'stage'", e.Message);
        Assert.Contains("header has: age, outcome", e.Message);
    }

    [Fact]
    public void A_non_numeric_value_is_named_with_line_and_column()
    {
        var e = Assert.Throws<DataException>(() => Read("age,stage,outcome\n60,II,yes\nabc,I,no\n"));
        Assert.Contains("data.csv: line 3, column 'age' (field 1)", e.Message);
        Assert.Contains("'abc' is not a number", e.Message);
    }

    [Fact]
    public void An_unknown_category_and_a_short_row_are_named_with_their_line()
    {
        Assert.Contains("line 2, column 'stage'", Assert.Throws<DataException>(() => Read("age,stage,outcome\n60,IV,yes\n40,I,no\n")).Message);
        Assert.Contains("line 3: 2 fields, the header has 3", Assert.Throws<DataException>(() => Read("age,stage,outcome\n60,I,yes\n40,I\n")).Message);
    }

    [Fact]
    public void An_empty_file_and_a_header_without_rows_are_refused()
    {
        Assert.Contains("the file is empty", Assert.Throws<DataException>(() => Read("")).Message);
        Assert.Contains("no rows", Assert.Throws<DataException>(() => Read("age,stage,outcome\n")).Message);
    }

    [Fact]
    public void A_label_with_one_class_is_refused()
    {
        var e = Assert.Throws<DataException>(() => Read("age,stage,outcome\n60,II,no\n40,I,no\n"));
        Assert.Contains("one class only", e.Message);
        Assert.Contains("all negative in 2 labelled rows", e.Message);
    }

    [Fact]
    public void A_schema_that_does_not_parse_is_refused_with_its_line()
    {
        var path = temp.File("bad.json", "{\n  \"name\": \"x\",\n  \"columns\": [ oops ]\n}");
        var e = Assert.Throws<DataException>(() => SchemaFile.Load(path));
        Assert.Contains("bad.json: line 3", e.Message);
    }

    [Fact]
    public void A_misspelt_schema_field_is_refused_naming_the_field()
    {
        var path = temp.File("typo.json", SmallSchema.Json.Replace("\"categories\"", "\"categores\""));
        var e = Assert.Throws<DataException>(() => SchemaFile.Load(path));
        Assert.Contains("categores", e.Message);
    }

    [Fact]
    public void A_feature_on_an_undeclared_column_is_refused_naming_the_feature()
    {
        var path = temp.File("undeclared.json", SmallSchema.Json.Replace("\"column\": \"age\"", "\"column\": \"agee\""));
        var e = Assert.Throws<DataException>(() => SchemaFile.Load(path));
        Assert.Contains("features[0] ('age').column: 'agee' is not declared", e.Message);
    }

    [Fact]
    public void A_site_config_with_an_unknown_jurisdiction_is_refused_naming_the_field()
    {
        var path = temp.File("site.json", """{ "site": { "id": "X", "jurisdiction": "Germany" }, "data": { "csv": "a.csv", "schema": "s.json" } }""");
        var e = Assert.Throws<DataException>(() => SiteConfigFile.Load(path));
        Assert.Contains("site.jurisdiction: 'Germany'", e.Message);
    }

    [Fact]
    public void A_site_config_that_does_not_parse_is_refused_with_line_and_position()
    {
        var path = temp.File("site.json", "{ \"site\": { \"id\": \"X\",\n \"jurisdiction\": DE } }");
        var e = Assert.Throws<DataException>(() => SiteConfigFile.Load(path));
        Assert.Contains("site.json: line 2", e.Message);
    }

    [Fact]
    public void Split_is_stratified_seeded_and_keeps_both_classes_on_both_sides()
    {
        var csv = "age,stage,outcome\n" + string.Join("\n", Enumerable.Range(0, 40).Select(i => $"{30 + i},I,{(i % 4 == 0 ? "yes" : "no")}")) + "\n";
        var data = Read(csv);
        var a = TrainTestSplit.Stratified(data, 0.3, 1);
        var b = TrainTestSplit.Stratified(data, 0.3, 1);
        Assert.Equal(a.Test.Features, b.Test.Features);
        Assert.Equal(40, a.Train.Rows + a.Test.Rows);
        Assert.Equal(3, a.Test.Positives);
        Assert.Equal(7, a.Train.Positives);
    }

    private TabularData Read(string csv) => SchemaReader.Read(temp.File("data.csv", csv), SchemaFile.Load(temp.File("schema.json", SmallSchema.Json)));

    public void Dispose() => temp.Dispose();
}
