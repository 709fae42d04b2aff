using System.CommandLine;
using System.Diagnostics;
using FedHealth.Contracts;
using FedHealth.Learning.Models;
using FedHealth.Learning.Torch;
using FedHealth.Learning.Torch.PerSample;
using TorchSharp;
using static TorchSharp.torch;

namespace FedHealth.Cli.Bench;

/// <summary>
/// The time of one DP-SGD step against one plain SGD step on the same batch and model, in one run: the batched
/// per-sample gradients (what DP-SGD uses) and one backward pass per row (the reference it replaced), for the mlp preset
/// (on 8 features, as the shipped federations train it, and on 784) and the small CNN (1x28x28 images, 10 classes)
/// at batch 32 and 256, on random inputs (time does not depend on the values). CPU unless a GPU is present.
/// </summary>
public static class DpStepBench
{
    public static Command Command()
    {
        var repeats = new Option<int>("--repeats") { Description = "Timed steps per figure (median)", DefaultValueFactory = _ => 15 };
        var batches = new Option<int[]>("--batches")
        {
            Description = "Batch sizes", DefaultValueFactory = _ => [32, 256], AllowMultipleArgumentsPerToken = true,
        };
        var threads = new Option<int>("--threads") { Description = "libtorch's CPU threads (0: its default)", DefaultValueFactory = _ => 0 };
        var command = new Command("dp-step", "Step time of DP-SGD (batched per-sample gradients, and one backward pass per row) against plain SGD.")
        {
            repeats, batches, threads,
        };
        command.SetAction(result => Run(result.GetValue(repeats), result.GetValue(batches)!, result.GetValue(threads), Console.Out));
        return command;
    }

    public static int Run(int repeats, IReadOnlyList<int> batches, int threads, TextWriter output)
    {
        if (repeats < 1 || batches.Count == 0 || batches.Any(b => b < 1) || threads < 0)
            throw new ArgumentException("--repeats and every --batches must be at least 1, --threads at least 0");
        if (threads > 0) set_num_threads(threads);
        var device = TrainingDevice.Best();
        output.WriteLine($"Median step time of {repeats} repeats after 3 warm-up steps (plain, batched and per-row steps in turn), {device.type}, " +
            $"{get_num_threads()} threads; ratios: median over repeats of each DP step against the plain step beside it:");
        output.WriteLine($"{"model",-24}{"batch",6}{"plain ms",10}{"DP batched ms",15}{"DP per-row ms",15}{"batched/plain",15}{"per-row/plain",15}");
        var dp = new DpSgdSettings { NoiseMultiplier = 1, ClipNorm = 1, SamplingRate = 0.01 };
        foreach (var batch in batches)
        {
            foreach (var (name, create, inputShape, classes) in Models())
            {
                random.manual_seed(batch);
                using var model = create();
                model.to(device).train();
                using var rows = randn([batch, .. inputShape], device: device);
                using var labels = classes == 1 ? randint(0, 2, [batch], device: device).to(ScalarType.Float32) : randint(0, classes, [batch], device: device);
                var loss = classes == 1 ? PerRowLosses.BinaryCrossEntropy
                    : (logits, y) => nn.functional.cross_entropy(logits, y, reduction: nn.Reduction.None);
                var parameters = model.parameters().ToList();
                using var optimizer = optim.SGD(parameters, 0.01);
                Action plain = () =>
                {
                    using var scope = NewDisposeScope();
                    optimizer.zero_grad();
                    loss(model.forward(rows), labels).mean().backward();
                    optimizer.step();
                };
                Action Private(bool perRow) => () => DpSgdStep.Take(model, parameters, rows, labels, loss, dp, batch, 0.01, null, perRow);
                var times = Interleaved(repeats, plain, Private(perRow: false), Private(perRow: true));
                output.WriteLine($"{name,-24}{batch,6}{Median(times[0]),10:F3}{Median(times[1]),15:F3}{Median(times[2]),15:F3}" +
                    $"{Median(Ratios(times[1], times[0])),14:F2}x{Median(Ratios(times[2], times[0])),14:F1}x");
            }
        }
        output.WriteLine($"Reproduce: ./fedhealth bench dp-step --repeats {repeats} --batches {string.Join(' ', batches)}" +
            (threads > 0 ? $" --threads {threads}" : ""));
        return 0;
    }

    private static IEnumerable<(string Name, Func<nn.Module<Tensor, Tensor>> Create, long[] InputShape, int Classes)> Models() =>
    [
        ("mlp 8→16→1", () => TorchModels.Create(new ModelSpec { Kind = ModelKinds.Mlp, Features = 8 }), [8], 1),
        ("mlp 784→128→1", () => TorchModels.Create(new ModelSpec { Kind = ModelKinds.Mlp, Features = 784, HiddenUnits = 128 }), [784], 1),
        ("small CNN 28x28→10", () => SmallCnn.Create(1, 28, 10), [1, 28, 28], 10),
    ];

    /// <summary>
    /// Each step's time in ms, the steps taken in turn within each repeat: on a shared machine a burst of load then slows
    /// all of them alike, and the ratio of neighbouring steps stays fair.
    /// </summary>
    private static double[][] Interleaved(int repeats, params Action[] steps)
    {
        for (var i = 0; i < 3; i++)
            foreach (var step in steps) step();
        var times = steps.Select(_ => new double[repeats]).ToArray();
        for (var i = 0; i < repeats; i++)
            for (var s = 0; s < steps.Length; s++)
            {
                var watch = Stopwatch.StartNew();
                steps[s]();
                times[s][i] = watch.Elapsed.TotalMilliseconds;
            }
        return times;
    }

    private static double[] Ratios(double[] over, double[] under) => over.Zip(under, (a, b) => a / b).ToArray();

    private static double Median(double[] values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }
}
