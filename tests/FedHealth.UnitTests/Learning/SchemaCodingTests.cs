using FedHealth.Learning.Data;
using FedHealth.SiteAgent;
using FedHealth.Tests.Support;

namespace FedHealth.Tests.Learning;

/// <summary>Registries coded their own way: events coded 1/2, missing cells, sites made of several institutions.</summary>
[Collection(TorchCollection.Name)]
public sealed class SchemaCodingTests : IDisposable
{
    private readonly TempFolder temp = new();

    private static ColumnDeclaration Number(string name) => new() { Name = name, Type = "number" };

    private static DataSchema Survival(IReadOnlyList<FeatureDefinition>? features = null, double? eventValue = 2, double? censoredValue = 1) => new()
    {
        Name = "s",
        Columns = [Number("inst"), Number("x"), Number("time"), Number("status")],
        Features = features ?? [new FeatureDefinition { Name = "x", Column = "x" }],
        Label = new LabelDefinition
        {
            Kind = LabelDefinition.Survival, TimeColumns = ["time"], EventColumns = ["status"], EventValue = eventValue, CensoredValue = censoredValue,
        },
    };

    [Fact]
    public void An_event_value_reads_r_survivals_one_censored_two_dead_coding()
    {
        var csv = temp.File("d.csv", "inst,x,time,status\n1,1,100,2\n1,2,200,1\n1,3,300,2\n");
        var data = SchemaReader.Read(csv, Survival());
        Assert.Equal([1f, 0f, 1f], data.Labels);
        Assert.Equal([100f, 200f, 300f], data.Times!);
        // Without it, status 1 (censored in this coding) would read as an event: every row an event.
        var e = Assert.Throws<DataException>(() => SchemaReader.Read(csv, Survival(eventValue: null, censoredValue: null)));
        Assert.Contains("one class only", e.Message);
    }

    [Fact]
    public void A_value_that_is_neither_the_event_nor_the_censored_value_is_refused_with_its_line()
    {
        var csv = temp.File("d.csv", "inst,x,time,status\n1,1,100,2\n1,2,200,0\n");
        var e = Assert.Throws<DataException>(() => SchemaReader.Read(csv, Survival()));
        Assert.Contains("line 3, column 'status'", e.Message);
        Assert.Contains("neither the event value 2 nor the censored value 1", e.Message);
    }

    [Fact]
    public void Event_and_censored_values_go_together_differ_and_belong_to_event_labels()
    {
        Assert.Contains(SchemaFile.Problems(Survival(censoredValue: null)), p => p.Contains("eventValue and censoredValue go together"));
        Assert.Contains(SchemaFile.Problems(Survival(eventValue: 1)), p => p.Contains("other than censoredValue"));
        var binary = new DataSchema
        {
            Name = "b", Columns = [Number("x"), Number("y")], Features = [new FeatureDefinition { Name = "x", Column = "x" }],
            Label = new LabelDefinition { Kind = LabelDefinition.Binary, Column = "y", Positive = ["1"], EventValue = 2, CensoredValue = 1 },
        };
        Assert.Contains(SchemaFile.Problems(binary), p => p.Contains("are for event columns"));
        Assert.Empty(SchemaFile.Problems(Survival()));
    }

    [Fact]
    public void A_missing_cell_takes_the_declared_value_before_its_transform_and_an_indicator_marks_it()
    {
        var schema = Survival([
            new FeatureDefinition { Name = "x", Column = "x", Missing = 3, Log1p = true },
            new FeatureDefinition { Name = "x missing", Column = "x", MissingIndicator = true, Center = 0.5, Scale = 0.5 },
        ]);
        var data = SchemaReader.Read(temp.File("d.csv", "inst,x,time,status\n1,NA,100,2\n1,,200,1\n1,0,300,2\n"), schema);
        var log4 = (float)Math.Log(4);
        Assert.Equal([log4, 1f, log4, 1f, 0f, -1f], data.Features);
    }

    [Fact]
    public void Without_a_declared_value_a_missing_cell_is_still_refused()
    {
        var e = Assert.Throws<DataException>(() => SchemaReader.Read(temp.File("d.csv", "inst,x,time,status\n1,NA,100,2\n1,1,200,1\n"), Survival()));
        Assert.Contains("line 2, column 'x'", e.Message);
        Assert.Contains("the value is missing", e.Message);
    }

    [Fact]
    public void A_missing_indicator_takes_no_transform_and_a_missing_value_needs_a_finite_number_column()
    {
        var both = Survival([new FeatureDefinition { Name = "m", Column = "x", MissingIndicator = true, Log1p = true }]);
        Assert.Contains(SchemaFile.Problems(both), p => p.StartsWith("features[0] ('m').missingIndicator"));
        var infinite = Survival([new FeatureDefinition { Name = "x", Column = "x", Missing = double.PositiveInfinity }]);
        Assert.Contains(SchemaFile.Problems(infinite), p => p.StartsWith("features[0] ('x').missing"));
    }

    [Fact]
    public void A_row_filter_of_values_keeps_those_institutions_and_a_row_without_one_belongs_to_no_site()
    {
        var csv = temp.File("d.csv", "inst,x,time,status\n1,1,100,2\n2,2,200,1\n3,3,300,2\nNA,4,400,2\n4,5,500,1\n");
        var merged = SchemaReader.Read(csv, Survival(), new RowFilter { Column = "inst", Values = [1, 2, 4] });
        Assert.Equal([1f, 2f, 5f], merged.Features);
        var upTo3 = SchemaReader.Read(csv, Survival(), new RowFilter { Column = "inst", Max = 3 });
        Assert.Equal([1f, 2f, 3f], upTo3.Features);
        Assert.Equal(["data.rows.values: give values or min/max, not both"],
            new RowFilter { Column = "inst", Values = [1], Min = 0 }.Problems("data.rows"));
        Assert.Equal(["data.rows.values: at least one value is needed"], new RowFilter { Column = "inst", Values = [] }.Problems("data.rows"));
    }

    [Fact]
    public void A_site_config_with_an_incoherent_row_filter_is_refused_naming_the_field()
    {
        var path = temp.File("site.json",
            """{ "site": { "id": "X", "jurisdiction": "US" }, "data": { "csv": "a.csv", "schema": "s.json", """ +
            """ "rows": { "column": "inst", "min": 5, "max": 2 } } }""");
        var e = Assert.Throws<DataException>(() => SiteConfigFile.Load(path));
        Assert.Contains("data.rows: min 5 is above max 2", e.Message);
    }

    public void Dispose() => temp.Dispose();
}
