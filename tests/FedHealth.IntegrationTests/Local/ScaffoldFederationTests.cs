using FedHealth.Cli.Local;
using FedHealth.Contracts;
using FedHealth.Tests.Support;

namespace FedHealth.Tests.Local;

/// <summary>`fedhealth local --strategy scaffold`: control variates round trip through the in-process federation.</summary>
public sealed class ScaffoldFederationTests : IDisposable
{
    private readonly TempFolder temp = new();

    [Fact]
    public async Task A_scaffold_job_runs_on_plain_updates_every_site_contributing_and_learns()
    {
        var run = await new LocalFederation(new LocalRunOptions
        {
            Rounds = 3, Seed = 1, Headless = true, DataDir = temp.Path, FederationDir = LocalRunOptions.DefaultFederationDir(),
            Strategy = new StrategySpec { Name = "scaffold" },
        }, TextWriter.Null).Run(new CancellationTokenSource(TimeSpan.FromMinutes(5)).Token);

        Assert.Equal("completed", run.Summary.Outcome);
        Assert.Equal("scaffold", run.Spec.Strategy.Name);
        Assert.False(run.Spec.SecureAggregation, "scaffold's control deltas need a sum of their own: it runs on sealed, signed plain updates");
        // A missing or misshapen control delta would be refused and the site left out: every site counted in every round.
        Assert.All(run.Rounds, r => Assert.Equal(4, r.Contributors.Count));
        Assert.True(run.Summary.Global.Auc > 0.65, $"global AUC {run.Summary.Global.Auc:F4}");
    }

    public void Dispose() => temp.Dispose();
}
