using FedHealth.Contracts;
using FedHealth.Learning.Data;
using FedHealth.Learning.Metrics;
using FedHealth.Tests.Support;

namespace FedHealth.Tests.Learning;

/// <summary>Sensitive attributes declared in the schema: each row's group, the per-group AUC, and the largest gap.</summary>
public sealed class SubgroupTests : IDisposable
{
    private readonly TempFolder temp = new();

    [Fact]
    public void The_shipped_schemas_put_every_row_in_an_age_band_and_a_menopausal_status()
    {
        var gbsg = ShippedData.Gbsg;
        Assert.Equal(["age band", "menopausal status"], gbsg.Groups.Keys.Order());
        Assert.Equal(gbsg.Rows, gbsg.Groups["age band"].Length);
        Assert.Equal(new[] { "45–55", "55–65", "> 65", "≤ 45" }.Order(), gbsg.Groups["age band"].Distinct().Order());
        Assert.Equal(["postmenopausal", "premenopausal"], gbsg.Groups["menopausal status"].Distinct().Order());
        // A split keeps each row's groups with it.
        var split = TrainTestSplit.Stratified(gbsg, 0.3, 1);
        Assert.Equal(split.Test.Rows, split.Test.Groups["age band"].Length);
    }

    [Fact]
    public void Group_aucs_are_computed_per_group_groups_under_k_of_a_class_are_not_scored_and_the_gap_is_best_minus_worst()
    {
        // Group a: perfectly ranked (AUC 1); group b: inverted (AUC 0); each has 10 rows of each class.
        // Group c: 4 rows; group d: 30 rows but one positive, whose AUC would be that patient's rank.
        var a = Enumerable.Range(0, 20).Select(i => (p: 0.05f * i, l: i >= 10 ? 1f : 0f, g: "a"));
        var b = Enumerable.Range(0, 20).Select(i => (p: 0.05f * i, l: i < 10 ? 1f : 0f, g: "b"));
        var c = Enumerable.Range(0, 4).Select(i => (p: 0.5f, l: i % 2, g: "c")).Select(x => (x.p, l: (float)x.l, x.g));
        var d = Enumerable.Range(0, 30).Select(i => (p: 0.03f * i, l: i == 17 ? 1f : 0f, g: "d"));
        var rows = a.Concat(b).Concat(c).Concat(d).ToArray();
        var scores = SubgroupScores.Of(rows.Select(r => r.p).ToArray(), rows.Select(r => r.l).ToArray(),
            new Dictionary<string, string[]> { ["x"] = rows.Select(r => r.g).ToArray() });
        Assert.Equal([1.0, 0.0, null, null], scores.Select(s => s.Auc));
        Assert.Equal([20, 20, 4, 30], scores.Select(s => s.Samples));

        var gap = Assert.Single(SubgroupScores.Gaps([new SiteEvaluation
        {
            SiteId = "S", Metrics = BinaryMetrics.Compute(rows.Select(r => r.p).ToArray(), rows.Select(r => r.l).ToArray()),
            Histogram = BinaryMetrics.Histogram(rows.Select(r => r.p).ToArray(), rows.Select(r => r.l).ToArray()), Subgroups = scores,
        }]));
        Assert.Equal(("a", "b", 1.0), (gap.BestGroup, gap.WorstGroup, gap.Gap));
    }

    [Fact]
    public void A_subgroup_that_is_not_coherent_is_refused_naming_it_and_an_unknown_category_names_the_line()
    {
        var schema = temp.File("schema.json", """
            { "name": "s", "columns": [ { "name": "age", "type": "number" }, { "name": "sex", "type": "category" }, { "name": "y", "type": "category" } ],
              "features": [ { "name": "age", "column": "age" } ], "label": { "kind": "binary", "column": "y", "positive": [ "1" ] },
              "subgroups": [ { "name": "band", "column": "age", "bands": [ 50, 40 ] }, { "name": "who", "column": "nope", "categories": { "f": "female" } } ] }
            """);
        var error = Assert.Throws<DataException>(() => SchemaFile.Load(schema)).Message;
        Assert.Contains("subgroups[0] ('band').bands: edges must increase", error);
        Assert.Contains("subgroups[1] ('who').column: 'nope' is not declared in columns", error);

        var good = temp.File("good.json", File.ReadAllText(schema).Replace("[ 50, 40 ]", "[ 50 ]").Replace("\"nope\"", "\"sex\""));
        var csv = temp.File("d.csv", "age,sex,y\n30,f,1\n60,x,0\n");
        var unknown = Assert.Throws<DataException>(() => SchemaReader.Read(csv, SchemaFile.Load(good))).Message;
        Assert.Contains("line 3, column 'sex'", unknown);
        Assert.Contains("'x' is not a category of subgroup 'who' (known: f)", unknown);
    }

    public void Dispose() => temp.Dispose();
}
