using FedHealth.Learning.Data;
using FedHealth.SiteAgent;
using FedHealth.Tests.Support;

namespace FedHealth.Tests.Learning;

/// <summary>The shipped ncctg-lung federation: one site per enrolling institution of 10+ patients, the smaller ones merged.</summary>
[Collection(TorchCollection.Name)]
public sealed class NcctgLungFederationTests
{
    private static readonly string Folder = Path.Combine(Paths.RepositoryRoot, "infra", "federations", "ncctg-lung");

    [Fact]
    public void Its_sites_cover_every_patient_once_but_the_one_without_an_institution()
    {
        var configs = Directory.GetFiles(Path.Combine(Folder, "sites"), "*.json").Order(StringComparer.Ordinal).Select(SiteConfigFile.Load).ToList();
        Assert.Equal(10, configs.Count);
        Assert.All(configs, c => Assert.Equal("US", c.Site.Jurisdiction));
        Assert.All(configs, c => Assert.Equal(3, c.Policy!.MinParticipants));
        Assert.All(configs, c => Assert.Equal(["US"], c.Policy!.Destinations.Select(d => d.Jurisdiction)));
        var schema = SchemaFile.Load(configs[0].Data.Schema!);
        Assert.All(configs, c => Assert.Equal(configs[0].Data.Schema, c.Data.Schema));
        var csv = configs[0].Data.Csv!;

        var all = SchemaReader.Read(csv, schema);
        Assert.Equal(228, all.Rows);
        Assert.Equal(165, all.Positives); // status 2 = dead; status 1 = censored
        var sites = configs.Select(c => SchemaReader.Read(csv, schema, c.Data.Rows)).ToList();
        Assert.Equal(227, sites.Sum(s => s.Rows)); // the one patient whose inst is NA belongs to no site
        Assert.Equal(164, sites.Sum(s => s.Positives));
        Assert.All(sites, s => Assert.InRange(s.Rows, 13, 51));
        var institutions = configs.SelectMany(c => c.Data.Rows!.Values ?? [c.Data.Rows.Min!.Value]).ToList();
        Assert.Equal(18, institutions.Distinct().Count());
        Assert.Equal(institutions.Count, institutions.Distinct().Count());
        Assert.All(configs.Where(c => c.Data.Rows!.Values is null), c => Assert.Equal(c.Data.Rows!.Min, c.Data.Rows.Max));
    }
}
