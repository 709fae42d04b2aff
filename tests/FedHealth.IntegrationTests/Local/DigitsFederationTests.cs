using System.Text.Json;
using FedHealth.Cli.Local;
using FedHealth.Contracts;
using FedHealth.Learning.Metrics;
using FedHealth.Tests.Support;

namespace FedHealth.Tests.Local;

/// <summary>`fedhealth local --federation digits`: a declared ten-class network trained under secure aggregation, scored from per-site aggregates.</summary>
public sealed class DigitsFederationTests : IDisposable
{
    private readonly TempFolder temp = new();

    [Fact]
    public async Task Five_sites_train_a_declared_ten_class_network_whose_accuracy_and_confusion_matrix_come_from_their_counts()
    {
        var summaryPath = Path.Combine(temp.Path, "summary.json");
        var console = new StringWriter();
        var federation = LocalRunOptions.ShippedFederation("digits");
        var run = await new LocalFederation(new LocalRunOptions
        {
            Rounds = 3, Seed = 1, Headless = true, DataDir = temp.Path, SummaryPath = summaryPath, FederationDir = federation, Model = "declared",
            Layers = DeclaredLayers.Read("declared", Path.Combine(federation, "model.layers.json")), LocalEpochs = 2, LearningRate = 0.1,
        }, console).Run(new CancellationTokenSource(TimeSpan.FromMinutes(3)).Token);

        Assert.Equal("completed", run.Summary.Outcome);
        Assert.Equal((ModelTasks.Multiclass, 10), (run.Spec.Model!.Task, run.Spec.Model.Classes));
        Assert.True(run.Spec.SecureAggregation);
        Assert.Equal(1797, run.Summary.Sites.Sum(s => s.TrainSamples + s.TestSamples));

        var last = run.Rounds[^1];
        var global = last.Global!;
        // Accuracy and class rows are exact: the sites' diagonals and class rows add up.
        Assert.Equal(last.Sites.Sum(s => s.Metrics.Multiclass!.Confusion.Select((r, c) => r[c]).Sum()) / (double)global.Samples, global.Accuracy, 12);
        Assert.Equal(539, global.Multiclass!.ClassRows.Sum());
        Assert.All(last.Sites, s => Assert.All(s.Metrics.Multiclass!.Confusion.SelectMany((r, i) => r.Where((_, j) => j != i)),
            cell => Assert.True(cell == 0 || cell >= ScoreHistogram.MinCell)));
        Assert.All(last.Sites, s => Assert.Equal(10, s.ClassHistograms!.Count));
        Assert.True(double.IsNaN(global.Auc));
        Assert.InRange(global.Accuracy, 0.6, 1);
        Assert.InRange(global.Multiclass.MacroAuc, 0.8, 1);

        Assert.Contains("global accuracy", console.ToString());
        Assert.Contains("Confusion matrix of the global model", console.ToString());
        Assert.DoesNotContain("AUC NaN", console.ToString());
        using var json = JsonDocument.Parse(File.ReadAllText(summaryPath));
        Assert.Equal("multiclass", json.RootElement.GetProperty("task").GetString());
        Assert.Equal("accuracy", json.RootElement.GetProperty("metric").GetString());
        Assert.Equal(global.Accuracy, json.RootElement.GetProperty("global").GetProperty("figure").GetDouble(), 12);
        Assert.Equal(10, json.RootElement.GetProperty("global").GetProperty("multiclass").GetProperty("confusion").GetArrayLength());
    }

    public void Dispose() => temp.Dispose();
}
