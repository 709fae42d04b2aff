using TorchSharp;
using System.Diagnostics;
using FedHealth.Contracts;
using FedHealth.Learning.Data;
using static TorchSharp.torch;

namespace FedHealth.Learning.Torch;

/// <summary>What one local training pass gave: mean training loss of the last epoch, rows seen, time taken, and optimiser steps taken (SCAFFOLD's K).</summary>
public sealed record LocalTrainingResult(double TrainLoss, int Samples, double Seconds, int Steps);

/// <summary>
/// Plain mini-batch SGD on the label's own loss (<see cref="TaskLoss"/>; plus FedProx's proximal term when the plan sets μ, and SCAFFOLD's
/// control-variate correction of every gradient when given), seeded so a (seed, data) pair always trains the same. Runs
/// synchronously on the calling thread: TorchSharp's dispose scopes are thread-static.
/// </summary>
public static class LocalTrainer
{
    /// <param name="proximalAnchor">Where the proximal term (plan.ProximalMu) pulls to; null: the model's own starting weights (FedProx).</param>
    /// <param name="control">SCAFFOLD: c − cᵢ, added to every gradient before each step; null trains exactly as plain SGD.</param>
    public static LocalTrainingResult Train(nn.Module<Tensor, Tensor> model, TabularData data, TrainingPlan plan, int seed, Device device,
        CancellationToken cancellation = default, nn.Module? proximalAnchor = null, ControlVariates? control = null)
    {
        if (plan.LocalEpochs < 1 || plan.BatchSize < 1 || !(plan.LearningRate > 0))
            throw new ArgumentException($"training plan needs epochs ≥ 1, batch size ≥ 1 and a positive learning rate, got {plan}");
        var watch = Stopwatch.StartNew();
        random.manual_seed(seed);
        var shuffle = new Random(seed);
        model.to(device).train();
        using var proximal = proximalAnchor is null ? ProximalTerm.At(model, plan.ProximalMu) : ProximalTerm.Towards(model, proximalAnchor, plan.ProximalMu);
        using var optimizer = optim.SGD(model.parameters(), plan.LearningRate);
        var parameters = control is null ? null : model.parameters().ToList();
        using var inputs = new RowInputs(data, device);
        // Streamed images are augmented as their schema declares, by a generator of the training's own seed.
        var augment = data.Streamed is null ? null : new Random(seed + 1);
        using var y = tensor(data.Labels).to(device);
        using var t = data.Times is null ? null : tensor(data.Times).to(device);
        var order = Enumerable.Range(0, data.Rows).ToArray();
        double lastEpochLoss = 0;
        var steps = 0;
        for (var epoch = 0; epoch < plan.LocalEpochs; epoch++)
        {
            cancellation.ThrowIfCancellationRequested();
            shuffle.Shuffle(order);
            double lossSum = 0;
            for (var start = 0; start < order.Length; start += plan.BatchSize)
            {
                cancellation.ThrowIfCancellationRequested();
                using var scope = NewDisposeScope();
                var count = Math.Min(plan.BatchSize, order.Length - start);
                var rows = order.AsSpan(start, count).ToArray();
                var index = tensor(rows.Select(i => (long)i).ToArray()).to(device);
                var logits = model.forward(inputs.Rows(rows, augment));
                // A survival label trains the Cox partial likelihood over the batch's risk sets; each other label its own loss.
                var loss = TaskLoss.Of(data.LabelTask.Task, logits, y.index_select(0, index), t?.index_select(0, index));
                optimizer.zero_grad();
                (proximal is null ? loss : loss + proximal.Loss()).backward();
                control?.Correct(parameters!);
                optimizer.step();
                steps++;
                // The data loss alone, so train losses compare across strategies.
                lossSum += loss.item<float>() * count;
            }
            lastEpochLoss = lossSum / order.Length;
        }
        return new LocalTrainingResult(lastEpochLoss, data.Rows, watch.Elapsed.TotalSeconds, steps);
    }
}
