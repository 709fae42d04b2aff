using System.Diagnostics;
using FedHealth.Contracts;
using FedHealth.Learning.Data;
using FedHealth.Learning.Torch.PerSample;
using TorchSharp;
using static TorchSharp.torch;

namespace FedHealth.Learning.Torch;

/// <summary>
/// What a DP-SGD pass gave: the plain result plus how many noisy steps it took (what the accountant charges).
/// <see cref="PerRowFallback"/> says why per-sample gradients took one backward pass per row (a layer the batched pass
/// has no formula for), null when they came from the batched pass.
/// </summary>
public sealed record PrivateTrainingResult(LocalTrainingResult Training, long Steps)
{
    public string? PerRowFallback { get; init; }
}

/// <summary>
/// DP-SGD (Abadi et al. 2016): each step samples rows independently with probability q (Poisson sampling, as the
/// RDP accountant assumes), clips each row's gradient to L2 norm C, adds Gaussian noise N(0, (σC)²) to the sum,
/// divides by the expected batch size qN and takes an SGD step. 1/q steps make an epoch. Per-row gradients come from
/// one batched pass over the sampled rows (<see cref="BatchedClipping"/>); a model with a layer that pass has no
/// formula for falls back, saying so, to one backward pass per row (<see cref="PerRowClipping"/>).
/// </summary>
public static class DpSgdTrainer
{
    public static long StepsFor(TrainingPlan plan, DpSgdSettings dp) => FedHealth.Privacy.Accounting.DpSgdSchedule.StepsPerRound(plan, dp);

    /// <param name="cancellation">Checked before every step: a site stops a training that runs past its round.</param>
    public static PrivateTrainingResult Train(nn.Module<Tensor, Tensor> model, TabularData data, TrainingPlan plan, DpSgdSettings dp, int seed, Device device,
        CancellationToken cancellation = default) =>
        Train(model, data, plan, dp, seed, device, data.Times is null ? PerRowLosses.For(data.LabelTask.Task) : PerRowLosses.BinaryCrossEntropy,
            perRowReference: false, cancellation);

    /// <param name="perRowLoss">Each row's loss ([batch]): what is clipped is the gradient of one row's loss.</param>
    /// <param name="perRowReference">One backward pass per row whatever the model (the reference the tests hold the batched pass to).</param>
    internal static PrivateTrainingResult Train(nn.Module<Tensor, Tensor> model, TabularData data, TrainingPlan plan, DpSgdSettings dp, int seed,
        Device device, Func<Tensor, Tensor, Tensor> perRowLoss, bool perRowReference, CancellationToken cancellation = default)
    {
        if (!(dp.SamplingRate is > 0 and <= 1) || !(dp.ClipNorm > 0) || !(dp.NoiseMultiplier > 0))
            throw new ArgumentException($"DP-SGD needs a sampling rate in (0, 1], a positive clip norm and a positive noise multiplier, got {dp}");
        if (data.Times is not null)
            throw new ArgumentException("DP-SGD needs each row's own gradient, and a row's term of the Cox partial likelihood depends on its whole risk set: " +
                "a survival label trains without DP-SGD");
        var watch = Stopwatch.StartNew();
        random.manual_seed(seed);
        var sampler = new Random(seed);
        model.to(device).train();
        var parameters = model.parameters().ToList();
        var fallback = perRowReference ? null : BatchedClipping.CannotBatch(model);
        if (fallback is not null) Trace.TraceWarning($"DP-SGD falls back to one backward pass per row: {fallback}");
        // FedProx's term is added to the noisy step, not to each row's loss: it would be clipped there, and as it
        // reads no record it costs no privacy.
        using var proximal = ProximalTerm.At(model, plan.ProximalMu);
        using var inputs = new RowInputs(data, device);
        var augment = data.Streamed is null ? null : new Random(seed + 1);
        using var y = tensor(data.Labels).to(device);
        var steps = StepsFor(plan, dp);
        var expectedBatch = dp.SamplingRate * data.Rows;
        for (var step = 0; step < steps; step++)
        {
            cancellation.ThrowIfCancellationRequested();
            using var scope = NewDisposeScope();
            var sampled = SampleRows(sampler, data.Rows, dp.SamplingRate);
            var index = tensor(sampled.Select(r => (long)r).ToArray(), device: device);
            DpSgdStep.Take(model, parameters, inputs.Rows(sampled, augment), y.index_select(0, index), perRowLoss, dp, expectedBatch, plan.LearningRate,
                proximal, perRow: perRowReference || fallback is not null);
        }
        model.zero_grad();
        // Steps sample different rows; the loss of the final local model on all its rows is the comparable figure.
        double trainLoss;
        using (no_grad())
        using (NewDisposeScope()) trainLoss = perRowLoss(RowInputs.Forward(model, data, device), y).mean().item<float>();
        return new PrivateTrainingResult(new LocalTrainingResult(trainLoss, data.Rows, watch.Elapsed.TotalSeconds, (int)Math.Min(steps, int.MaxValue)), steps)
        {
            PerRowFallback = fallback,
        };
    }

    /// <summary>Poisson sampling: each row in the step with probability q, independently (one draw per row, in row order).</summary>
    private static List<int> SampleRows(Random sampler, int rows, double rate)
    {
        var sampled = new List<int>();
        for (var row = 0; row < rows; row++)
            if (sampler.NextDouble() < rate) sampled.Add(row);
        return sampled;
    }
}
