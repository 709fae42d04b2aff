using FedHealth.Cli;
using FedHealth.Cli.Local;
using FedHealth.Tests.Support;

namespace FedHealth.Tests.Privacy;

/// <summary>The breast-prognosis federation under record-level DP, end to end in one process.</summary>
public sealed class PrivateFederationTests : IDisposable
{
    private readonly TempFolder temp = new();

    [Fact]
    public async Task Every_site_reports_its_epsilon_within_budget_and_a_second_job_on_spent_budgets_stops()
    {
        LocalRunOptions Options() => new()
        {
            Rounds = 4, Seed = 1, Headless = true, DataDir = temp.Path, DpEpsilon = 2.0, FederationDir = LocalRunOptions.DefaultFederationDir(),
        };
        var run = await new LocalFederation(Options(), TextWriter.Null).Run(new CancellationTokenSource(TimeSpan.FromMinutes(5)).Token);
        Assert.Equal("completed", run.Summary.Outcome);
        Assert.All(run.Rounds, r => Assert.Equal(4, r.Privacy.Count));
        Assert.All(run.Summary.Sites, s => Assert.InRange(s.Epsilon!.Value, 1.0, 2.0));
        Assert.True(run.Rounds[^1].Privacy.All(p => p.Epsilon > run.Rounds[0].Privacy.Single(q => q.SiteId == p.SiteId).Epsilon));

        // The hospitals' ledgers live on in the data directory: the same budgets cannot pay for another job.
        var second = new LocalFederation(Options(), TextWriter.Null);
        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => second.Run(new CancellationTokenSource(TimeSpan.FromMinutes(5)).Token));
        Assert.Contains("stopped", e.Message);
        Assert.Contains("privacy budget exhausted", e.Message);
    }

    [Fact]
    public async Task The_privacy_epsilon_command_prints_json_for_planning()
    {
        var output = new StringWriter();
        var original = Console.Out;
        Console.SetOut(output);
        try
        {
            var code = await FedHealthCommands.Root().Parse(
                ["privacy", "epsilon", "--noise-multiplier", "1.0", "--sampling-rate", "0.01", "--steps", "300", "--delta", "1e-5", "--json"]).InvokeAsync();
            Assert.Equal(0, code);
        }
        finally { Console.SetOut(original); }
        using var json = System.Text.Json.JsonDocument.Parse(output.ToString());
        Assert.Equal(1.4822, json.RootElement.GetProperty("epsilon").GetDouble(), 3);
        Assert.Equal(8, json.RootElement.GetProperty("order").GetInt32());
    }

    public void Dispose() => temp.Dispose();
}
