using FedHealth.Learning.Jobs;
using FedHealth.Cli.Local;
using FedHealth.Contracts;
using FedHealth.Coordinator.Jobs;
using FedHealth.Privacy.DifferentialPrivacy;
using FedHealth.Tests.Support;

namespace FedHealth.Tests.Privacy;

public sealed class SiteLevelDpTests : IDisposable
{
    private readonly TempFolder temp = new();

    [Fact]
    public void A_site_update_is_clipped_to_the_norm_and_carries_its_share_of_the_noise()
    {
        var global = new float[10_000];
        var local = Enumerable.Range(0, global.Length).Select(i => (float)(i % 7)).ToArray();
        var clipped = SiteLevelNoise.Apply(global, local, new SiteLevelDpSettings { ClipNorm = 2, NoiseMultiplier = 1e-12 }, sites: 4, new Random(1));
        Assert.Equal(2.0, Math.Sqrt(clipped.Sum(v => (double)v * v)), 3);

        var noisy = SiteLevelNoise.Apply(global, global, new SiteLevelDpSettings { ClipNorm = 2, NoiseMultiplier = 1.5 }, sites: 4, new Random(2));
        var sd = Math.Sqrt(noisy.Sum(v => (double)v * v) / noisy.Length);
        Assert.InRange(sd, 1.5 * 2 / Math.Sqrt(4) * 0.97, 1.5 * 2 / Math.Sqrt(4) * 1.03);
    }

    [Fact]
    public void Site_level_dp_without_secure_aggregation_is_refused()
    {
        var spec = Coordinator.JobFixtures.Spec() with { SiteLevelPrivacy = new SiteLevelDpSettings { ClipNorm = 1, NoiseMultiplier = 1 } };
        Assert.Contains(JobSpecRules.Problems(spec), p => p.StartsWith("siteLevelPrivacy: needs secureAggregation"));
    }

    [Fact]
    public async Task The_federation_runs_with_site_level_dp_and_reports_the_job_epsilon_each_round()
    {
        var run = await new LocalFederation(new LocalRunOptions
        {
            Rounds = 3, Headless = true, DataDir = temp.Path, FederationDir = LocalRunOptions.DefaultFederationDir(),
            SiteLevelPrivacy = new SiteLevelDpSettings { ClipNorm = 0.5, NoiseMultiplier = 1.0 },
        }, TextWriter.Null).Run(new CancellationTokenSource(TimeSpan.FromMinutes(5)).Token);
        Assert.Equal("completed", run.Summary.Outcome);
        var epsilons = run.Rounds.Select(r => r.SiteLevelEpsilon!.Value).ToList();
        Assert.Equal(SiteLevelNoise.Epsilon(new SiteLevelDpSettings { ClipNorm = 0.5, NoiseMultiplier = 1.0 }, 3).Epsilon, epsilons[^1], 9);
        Assert.True(epsilons[0] < epsilons[1] && epsilons[1] < epsilons[2]);
    }

    public void Dispose() => temp.Dispose();
}
