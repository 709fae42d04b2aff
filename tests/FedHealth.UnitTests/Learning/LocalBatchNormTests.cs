using FedHealth.Contracts;
using FedHealth.Learning.Jobs;
using FedHealth.Learning.Models;
using FedHealth.Learning.Strategies;
using FedHealth.SiteAgent;
using L = FedHealth.Contracts.LayerKinds;

namespace FedHealth.Tests.Learning;

/// <summary>FedBN: which values stay at a site, how a site swaps them in and out, and which jobs may ask for it.</summary>
public sealed class LocalBatchNormTests
{
    /// <summary>conv → batch norm → relu → flatten → linear: 8·9+8 conv, 4×8 batch norm, 8·16·16+1 linear.</summary>
    private static readonly ModelSpec Model = new()
    {
        Kind = ModelKinds.Declared, Features = 256, Input = [1, 16, 16], Task = ModelTasks.Binary,
        Layers =
        [
            new() { Kind = L.Conv2d, Name = "conv", Units = 8, Kernel = 3, Padding = 1 }, new() { Kind = L.BatchNorm2d, Name = "bn" },
            new() { Kind = L.Relu }, new() { Kind = L.Flatten }, new() { Kind = L.Linear, Name = "output", Units = 1 },
        ],
    };

    private static ParameterLayout Layout => ParameterLayout.For(Model);

    [Fact]
    public void Statistics_keep_the_running_mean_and_variance_and_all_adds_the_scale_and_shift()
    {
        var names = Layout.Parameters.Select(p => p.Name).ToList();
        Assert.Equal(["conv.weight", "conv.bias", "bn.weight", "bn.bias", "bn.running_mean", "bn.running_var", "output.weight", "output.bias"], names);

        Assert.Equal([(96, 8), (104, 8)], LocalBatchNorm.Spans(Layout, LocalBatchNorm.Statistics));
        Assert.Equal([(80, 8), (88, 8), (96, 8), (104, 8)], LocalBatchNorm.Spans(Layout, LocalBatchNorm.All));
        Assert.Throws<ArgumentException>(() => LocalBatchNorm.Spans(Layout, "some"));
    }

    [Fact]
    public void A_site_trains_with_its_own_values_keeps_what_it_trained_and_sends_the_global_ones()
    {
        var site = new SiteBatchNorm();
        var job = Guid.NewGuid();
        var global = new FlatParameters(Layout, Enumerable.Range(0, Layout.TotalCount).Select(i => (float)i).ToArray());
        var spans = LocalBatchNorm.Spans(Layout, LocalBatchNorm.Statistics);

        // First round: nothing kept yet, so the global values are used as they are.
        Assert.Same(global, site.Localise(job, LocalBatchNorm.Statistics, global));
        var trained = new FlatParameters(Layout, global.Values.Select(v => -v - 1).ToArray());
        var sent = site.AfterTraining(job, LocalBatchNorm.Statistics, global, trained);

        Assert.True(site.Holds(job));
        for (var i = 0; i < Layout.TotalCount; i++)
        {
            var local = spans.Any(s => i >= s.Offset && i < s.Offset + s.Count);
            Assert.Equal(local ? global.Values[i] : trained.Values[i], sent.Values[i]);
        }
        // Next round: the global model with this site's trained statistics in place; everything else from the global model.
        var next = new FlatParameters(Layout, Enumerable.Repeat(5f, Layout.TotalCount).ToArray());
        var localised = site.Localise(job, LocalBatchNorm.Statistics, next);
        Assert.Equal(LocalBatchNorm.Take(trained.Values, spans), LocalBatchNorm.Take(localised.Values, spans));
        Assert.Equal(Layout.TotalCount - 16, localised.Values.Count(v => v == 5f));
        Assert.All(next.Values, v => Assert.Equal(5f, v));

        site.Forget(job);
        Assert.False(site.Holds(job));
        Assert.Same(next, site.Localise(job, LocalBatchNorm.Statistics, next));
    }

    [Fact]
    public void A_job_asks_for_local_batch_norm_only_of_a_model_that_has_one()
    {
        JobSpec Job(ModelSpec model, string? mode) => new()
        {
            Name = "j", Schema = "s", FeatureNames = ["image:1x16x16"], Model = model, Strategy = new StrategySpec { LocalBatchNorm = mode },
        };

        Assert.Empty(JobSpecRules.Problems(Job(Model, LocalBatchNorm.Statistics)));
        Assert.Empty(JobSpecRules.Problems(Job(Model, LocalBatchNorm.All)));
        Assert.Contains("strategy.localBatchNorm: 'some' is not one of statistics, all (leave it out to average every parameter)",
            JobSpecRules.Problems(Job(Model, "some")));
        var noNorm = Model with { Layers = [.. Model.Layers!.Where(l => l.Kind != L.BatchNorm2d)] };
        Assert.Contains("strategy.localBatchNorm: the model has no batchnorm1d or batchnorm2d layer, so there is nothing to keep at the sites",
            JobSpecRules.Problems(Job(noNorm, LocalBatchNorm.Statistics)));
    }
}
