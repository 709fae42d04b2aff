using FedHealth.Cli.Local;
using FedHealth.Contracts;
using FedHealth.Tests.Support;

namespace FedHealth.Tests.Local;

/// <summary>`fedhealth local --federation ncctg-lung`: ten US sites split by real enrolling institution, a Cox model under secure aggregation.</summary>
public sealed class NcctgLungFederationTests : IDisposable
{
    private readonly TempFolder temp = new();

    [Fact]
    public async Task Ten_us_sites_train_a_cox_model_with_a_us_coordinator_and_every_patient_with_an_institution()
    {
        var console = new StringWriter();
        var run = await new LocalFederation(new LocalRunOptions
        {
            Rounds = 2, Seed = 1, Headless = true, DataDir = temp.Path, FederationDir = LocalRunOptions.ShippedFederation("ncctg-lung"),
        }, console).Run(new CancellationTokenSource(TimeSpan.FromMinutes(3)).Token);

        Assert.Equal("completed", run.Summary.Outcome);
        Assert.Equal(ModelTasks.Survival, run.Spec.Model!.Task);
        Assert.True(run.Spec.SecureAggregation);
        Assert.Equal(10, run.Summary.Sites.Count);
        Assert.Equal(227, run.Summary.Sites.Sum(s => s.TrainSamples + s.TestSamples));
        Assert.All(run.Rounds, r => Assert.Equal(10, r.Sites.Count));
        Assert.InRange(run.Rounds[^1].Global!.Auc, 0, 1);
        Assert.Contains("US-NCCTG-SMALL US simulated", console.ToString());
    }

    public void Dispose() => temp.Dispose();
}
