using FedHealth.Learning.Data;
using FedHealth.SiteAgent;
using FedHealth.Tests.Support;

namespace FedHealth.Tests.Learning;

/// <summary>The shipped WDBC federation: ten simulated hospitals cut from one cohort, skewed by label.</summary>
[Collection(TorchCollection.Name)]
public sealed class WdbcFederationTests
{
    private static readonly string Federation = Path.Combine(Paths.RepositoryRoot, "infra", "federations", "wdbc");

    private static IReadOnlyList<(SiteConfig Config, SiteData Data)> Sites() =>
        Directory.GetFiles(Path.Combine(Federation, "sites"), "*.json").Order(StringComparer.Ordinal)
            .Select(SiteConfigFile.Load)
            .Select(config => (config, SiteData.Load(config.Data)))
            .ToList();

    [Fact]
    public void Every_site_loads_as_a_simulated_hospital_with_both_classes_in_train_and_test()
    {
        var sites = Sites();
        Assert.Equal(Enumerable.Range(1, 10).Select(n => $"WDBC-{n:00}"), sites.Select(s => s.Config.Site.Id));
        foreach (var (config, (schema, split)) in sites)
        {
            Assert.True(config.Site.Simulated, config.Site.Id);
            Assert.NotNull(config.Policy);
            Assert.Equal("wdbc-diagnosis", schema.Name);
            Assert.Equal(30, split.Train.Width);
            foreach (var part in new[] { split.Train, split.Test })
            {
                Assert.InRange(part.Positives, 1, part.Rows - 1);
            }
        }
    }

    [Fact]
    public void The_ten_sites_together_hold_every_row_of_the_cohort_exactly_once()
    {
        var schema = SchemaFile.Load(Path.Combine(Federation, "schema.wdbc.json"));
        var all = SchemaReader.Read(Path.Combine(Federation, "data", "wdbc-10-sites.csv"), schema);
        Assert.Equal(569, all.Rows);
        Assert.Equal(212, all.Positives);

        var parts = Sites().SelectMany(s => new[] { s.Data.Split.Train, s.Data.Split.Test }).ToList();
        Assert.Equal(Rows(all), Rows(TabularData.Concat(parts)));
    }

    [Fact]
    public void The_split_is_skewed_by_label_across_sites()
    {
        var shares = Sites().Select(s => (double)(s.Data.Split.Train.Positives + s.Data.Split.Test.Positives)
                                         / (s.Data.Split.Train.Rows + s.Data.Split.Test.Rows)).ToList();
        Assert.True(shares.Max() - shares.Min() >= 0.3, $"malignant shares {string.Join(", ", shares.Select(s => s.ToString("0.00")))}");
    }

    /// <summary>Each row as text (features and label), sorted: equal lists mean the same rows, each as often.</summary>
    private static List<string> Rows(TabularData data) =>
        Enumerable.Range(0, data.Rows)
            .Select(r => string.Join(",", data.Features.Skip(r * data.Width).Take(data.Width).Append(data.Labels[r])))
            .Order(StringComparer.Ordinal)
            .ToList();
}
