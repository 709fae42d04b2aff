using System.Text.Json;
using FedHealth.Cli.Local;
using FedHealth.Tests.Support;

namespace FedHealth.Tests.Local;

/// <summary>`fedhealth local --headless`: the whole federation in one process on the embedded defaults.</summary>
public sealed class LocalFederationTests : IDisposable
{
    private readonly TempFolder temp = new();

    [Fact]
    public async Task The_local_federation_trains_to_within_a_hundredth_of_pooled_auc_and_writes_its_summary()
    {
        var summaryPath = Path.Combine(temp.Path, "out", "summary.json");
        var console = new StringWriter();
        var run = await new LocalFederation(new LocalRunOptions
        {
            Rounds = 20, Seed = 1, Headless = true, DataDir = temp.Path, SummaryPath = summaryPath,
            FederationDir = LocalRunOptions.DefaultFederationDir(),
        }, console).Run(new CancellationTokenSource(TimeSpan.FromMinutes(5)).Token);

        var s = run.Summary;
        Assert.Equal("completed", s.Outcome);
        Assert.Equal(20, s.Rounds);
        Assert.InRange(s.Global.Auc - s.PooledBaseline.Auc, -0.01, 0.01);
        Assert.True(run.Rounds[^1].Global!.Auc > run.Rounds[0].Global!.Auc);
        Assert.Equal(["DE-GBSG", "NL-ROTTERDAM-A", "NL-ROTTERDAM-B", "NL-ROTTERDAM-C"], s.Sites.Select(x => x.Id));
        Assert.Equal(408, s.Sites[0].TrainSamples + s.Sites[0].TestSamples);
        Assert.Equal(2856, s.Sites.Skip(1).Sum(x => x.TrainSamples + x.TestSamples));
        Assert.All(s.Sites.Skip(1), x => Assert.True(x.Simulated));

        using var json = JsonDocument.Parse(File.ReadAllText(summaryPath));
        var root = json.RootElement;
        Assert.Equal(20, root.GetProperty("rounds").GetInt32());
        foreach (var key in new[] { "auc", "accuracy", "loss" }) Assert.True(root.GetProperty("global").TryGetProperty(key, out _), key);
        var site = root.GetProperty("sites")[0];
        foreach (var key in new[] { "id", "jurisdiction", "trainSamples", "testSamples", "auc", "accuracy" }) Assert.True(site.TryGetProperty(key, out _), key);
        Assert.True(root.GetProperty("pooledBaseline").GetProperty("auc").GetDouble() > 0.6);
        Assert.True(root.GetProperty("wallSeconds").GetDouble() > 0);

        Assert.True(File.Exists(Path.Combine(temp.Path, "journal.db")), "the SQLite journal is in the data directory");
        Assert.True(File.Exists(Path.Combine(temp.Path, "models", $"{s.JobId}.pt")), "the final model is saved");
        Assert.NotEmpty(Directory.GetFiles(Path.Combine(temp.Path, "logs")));
        Assert.Contains("global AUC", console.ToString());
        Assert.Contains("NL-ROTTERDAM-A NL simulated", console.ToString());
    }

    [Fact]
    public async Task Without_secure_aggregation_sites_send_sealed_signed_updates_and_the_result_is_the_same()
    {
        var run = await new LocalFederation(new LocalRunOptions
        {
            Rounds = 3, Seed = 1, Headless = true, DataDir = temp.Path, PlainAggregation = true, FederationDir = LocalRunOptions.DefaultFederationDir(),
        }, TextWriter.Null).Run(new CancellationTokenSource(TimeSpan.FromMinutes(5)).Token);
        var secure = await new LocalFederation(new LocalRunOptions
        {
            Rounds = 3, Seed = 1, Headless = true, DataDir = Path.Combine(temp.Path, "secure"), FederationDir = LocalRunOptions.DefaultFederationDir(),
        }, TextWriter.Null).Run(new CancellationTokenSource(TimeSpan.FromMinutes(5)).Token);
        Assert.Equal("completed", run.Summary.Outcome);
        Assert.All(run.Rounds, r => Assert.Equal(4, r.Contributors.Count));
        Assert.Equal(run.Summary.Global.Auc, secure.Summary.Global.Auc, 4);
    }

    [Fact]
    public async Task On_a_sparse_masking_graph_every_site_reveals_its_graph_seed_and_the_result_is_the_full_graphs()
    {
        var full = await new LocalFederation(new LocalRunOptions
        {
            Rounds = 2, Seed = 1, Headless = true, DataDir = temp.Path, FederationDir = LocalRunOptions.DefaultFederationDir(),
        }, TextWriter.Null).Run(new CancellationTokenSource(TimeSpan.FromMinutes(5)).Token);
        var sparseDir = Path.Combine(temp.Path, "sparse");
        var sparse = await new LocalFederation(new LocalRunOptions
        {
            Rounds = 2, Seed = 1, Headless = true, DataDir = sparseDir, SecureGraph = "sparse", FederationDir = LocalRunOptions.DefaultFederationDir(),
        }, TextWriter.Null).Run(new CancellationTokenSource(TimeSpan.FromMinutes(5)).Token);
        Assert.Equal("completed", sparse.Summary.Outcome);
        Assert.Equal("sparse", sparse.Spec.SecureAggregationGraph);
        Assert.All(sparse.Rounds, r => Assert.Equal(4, r.Contributors.Count));
        Assert.Equal(full.Summary.Global.Auc, sparse.Summary.Global.Auc, 4);
        // Each site's audit log shows the seed step of every round: its seed sent, every seed received.
        foreach (var site in sparse.Summary.Sites)
        {
            var audit = File.ReadAllLines(Path.Combine(sparseDir, "sites", site.Id, "audit.jsonl"));
            foreach (var message in new[] { "GraphSeedRevealed", "GraphSeedsRevealed" })
                Assert.Equal(2, audit.Count(line => line.Contains($"\"message\":\"{message}\"")));
        }
    }

    [Fact]
    public async Task A_fedadam_job_with_ditto_reports_every_sites_personal_model_which_stays_at_the_site()
    {
        var run = await new LocalFederation(new LocalRunOptions
        {
            Rounds = 3, Seed = 1, Headless = true, DataDir = temp.Path, FederationDir = LocalRunOptions.DefaultFederationDir(),
            Strategy = new FedHealth.Contracts.StrategySpec { Name = "fedadam" },
            Personalisation = new FedHealth.Contracts.PersonalisationSpec { Method = "ditto", Lambda = 0.1 },
        }, TextWriter.Null).Run(new CancellationTokenSource(TimeSpan.FromMinutes(5)).Token);

        Assert.Equal("completed", run.Summary.Outcome);
        Assert.Equal("fedadam", run.Spec.Strategy.Name);
        Assert.True(run.Spec.SecureAggregation, "ditto and fedadam run under secure aggregation");
        Assert.All(run.Rounds.Take(2), r => Assert.Empty(r.Personalised));
        var personal = run.Rounds[^1].Personalised;
        Assert.Equal(run.Summary.Sites.Select(x => x.Id), personal.Select(p => p.SiteId));
        Assert.All(run.Summary.Sites, x => Assert.InRange(x.PersonalAuc!.Value, 0.55, 1.0));
        // Personal and global models differ, and each personal model is kept in its site's state folder.
        Assert.Contains(personal, p => Math.Abs(p.Metrics.Auc - run.Rounds[^1].Sites.Single(g => g.SiteId == p.SiteId).Metrics.Auc) > 1e-6);
        Assert.All(run.Sites, site => Assert.True(File.Exists(Path.Combine(site.StateDir, "models", $"{run.Summary.JobId}-personal.pt")), site.Id));
    }

    [Fact]
    public async Task A_federation_whose_site_data_is_broken_fails_with_the_file_and_line_named()
    {
        var federation = Path.Combine(temp.Path, "federation");
        TempFolder.CopyFolder(Paths.Federation, federation);
        var csv = Path.Combine(federation, "data", "gbsg-germany.csv");
        var lines = File.ReadAllLines(csv);
        lines[5] = lines[5].Replace(lines[5].Split(',')[1], "forty");
        File.WriteAllLines(csv, lines);
        var run = new LocalFederation(
            new LocalRunOptions { Headless = true, DataDir = Path.Combine(temp.Path, "data"), FederationDir = federation }, TextWriter.Null);
        var e = await Assert.ThrowsAsync<FedHealth.Learning.Data.DataException>(() => run.Run(CancellationToken.None));
        Assert.Contains("gbsg-germany.csv: line 6, column 'age'", e.Message);
        Assert.Contains("'forty' is not a number", e.Message);
    }


    public void Dispose() => temp.Dispose();
}
