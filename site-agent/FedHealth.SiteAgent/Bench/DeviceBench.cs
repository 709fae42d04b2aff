using System.Globalization;
using FedHealth.Contracts;
using FedHealth.Learning.Models;
using FedHealth.Learning.Torch;
using static TorchSharp.torch;

namespace FedHealth.SiteAgent.Bench;

/// <summary>One device's run of the bench: time per epoch and per optimiser step, and what the model learned.</summary>
public sealed record DeviceRun(string Device, double SecondsPerEpoch, double MillisecondsPerStep, double TrainLoss, ModelMetrics Test, float[] Parameters);

/// <summary>
/// Trains this site's model on this site's data on the CPU and, where there is one, on CUDA: same data, same
/// initial weights, same batch order. Shows what the GPU buys at this site and that both devices learn the same
/// model (float sums are ordered differently on a GPU, so the weights agree closely, not bit for bit).
/// </summary>
public static class DeviceBench
{
    public static IReadOnlyList<DeviceRun> Run(SiteData data, string siteId, ModelSpec spec, TrainingPlan plan, int seed, IEnumerable<Device> devices)
    {
        var layout = ParameterLayout.For(spec);
        random.manual_seed(seed);
        FlatParameters initial;
        using (var template = TorchModels.Create(spec)) initial = ModelParameters.Read(template, layout);
        var runs = new List<DeviceRun>();
        foreach (var device in devices)
        {
            // The first pass on a device pays for its start-up (CUDA context, kernel loading): not what a round costs.
            using (var warmUp = TorchModels.Create(spec))
            {
                ModelParameters.Write(warmUp, initial);
                LocalTrainer.Train(warmUp, data.Split.Train, plan with { LocalEpochs = 1 }, seed, device);
            }
            using var model = TorchModels.Create(spec);
            ModelParameters.Write(model, initial);
            var result = LocalTrainer.Train(model, data.Split.Train, plan, seed, device);
            var steps = plan.LocalEpochs * (int)Math.Ceiling(data.Split.Train.Rows / (double)plan.BatchSize);
            var test = ModelEvaluator.Evaluate(siteId, model, data.Split.Test, device).Metrics;
            runs.Add(new DeviceRun(TrainingDevice.Describe(device), result.Seconds / plan.LocalEpochs, result.Seconds * 1000 / steps, result.TrainLoss, test,
                ModelParameters.Read(model, layout).Values));
        }
        return runs;
    }

    /// <summary>The table the `bench` command prints, and the agreement of every run with the first (the CPU's).</summary>
    /// <param name="task">The model's task: the test figure is its headline one (AUC, C-index, accuracy or RMSE).</param>
    public static IEnumerable<string> Report(IReadOnlyList<DeviceRun> runs, string task = ModelTasks.Binary)
    {
        var c = CultureInfo.InvariantCulture;
        var figure = FedHealth.Learning.Metrics.PrimaryFigure.NameOf(task);
        double Figure(DeviceRun r) => FedHealth.Learning.Metrics.PrimaryFigure.ValueOf(task, r.Test);
        yield return string.Format(c, "{0,-28} {1,10} {2,10} {3,11} {4,14} {5,10}", "device", "s/epoch", "ms/step", "train loss", $"test {figure}",
            "test loss");
        foreach (var r in runs)
            yield return string.Format(c, "{0,-28} {1,10:0.0000} {2,10:0.000} {3,11:0.00000} {4,14:0.0000} {5,10:0.00000}", r.Device, r.SecondsPerEpoch,
                r.MillisecondsPerStep, r.TrainLoss, Figure(r), r.Test.Loss);
        foreach (var r in runs.Skip(1))
        {
            var maxDifference = r.Parameters.Zip(runs[0].Parameters, (a, b) => Math.Abs(a - b)).Max();
            yield return string.Format(c, "{0} vs {1}: step time ratio {2:0.00}x, |Δ{3}| {4:0.00000}, |Δtrain loss| {5:0.00000}, max |Δweight| {6:0.0e+0}",
                r.Device, runs[0].Device, runs[0].MillisecondsPerStep / r.MillisecondsPerStep, figure, Math.Abs(Figure(r) - Figure(runs[0])),
                    Math.Abs(r.TrainLoss - runs[0].TrainLoss), maxDifference);
        }
    }
}
