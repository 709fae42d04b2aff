using System.Diagnostics;
using FedHealth.Contracts;
using FedHealth.Learning.Data;
using TorchSharp;
using static TorchSharp.torch;

namespace FedHealth.Learning.Torch;

/// <summary>What a DP-SGD pass gave: the plain result plus how many noisy steps it took (what the accountant charges).</summary>
public sealed record PrivateTrainingResult(LocalTrainingResult Training, long Steps);

/// <summary>
/// DP-SGD (Abadi et al. 2016): each step samples rows independently with probability q (Poisson sampling, as the
/// RDP accountant assumes), clips each row's gradient to L2 norm C, adds Gaussian noise N(0, (σC)²) to the sum,
/// divides by the expected batch size qN and takes an SGD step. 1/q steps make an epoch. Per-row gradients come
/// from one backward pass per sampled row, which is exact for any model and cheap for the tabular models here.
/// </summary>
public static class DpSgdTrainer
{
    public static long StepsFor(TrainingPlan plan, DpSgdSettings dp) => FedHealth.Privacy.Accounting.DpSgdSchedule.StepsPerRound(plan, dp);

    /// <param name="cancellation">Checked before every step: a site stops a training that runs past its round.</param>
    public static PrivateTrainingResult Train(nn.Module<Tensor, Tensor> model, TabularData data, TrainingPlan plan, DpSgdSettings dp, int seed, Device device,
        CancellationToken cancellation = default)
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
        // FedProx's term is added to the noisy step, not to each row's loss: it would be clipped there, and as it
        // reads no record it costs no privacy.
        using var proximal = ProximalTerm.At(model, plan.ProximalMu);
        using var x = tensor(data.Features, [data.Rows, data.Width]).to(device);
        using var y = tensor(data.Labels).to(device);
        var steps = StepsFor(plan, dp);
        var expectedBatch = dp.SamplingRate * data.Rows;
        for (var step = 0; step < steps; step++)
        {
            cancellation.ThrowIfCancellationRequested();
            using var scope = NewDisposeScope();
            var sums = parameters.Select(p => zeros_like(p)).ToList();
            for (var row = 0; row < data.Rows; row++)
            {
                if (sampler.NextDouble() >= dp.SamplingRate) continue;
                using var rowScope = NewDisposeScope();
                model.zero_grad();
                // Each row's own loss, whatever the task (cross-entropy of its class, its squared error): clipped alike.
                var loss = TaskLoss.Of(data.LabelTask.Task, model.forward(x.narrow(0, row, 1)), y.narrow(0, row, 1), null);
                loss.backward();
                var norm = Math.Sqrt(parameters.Sum(p => p.grad!.pow(2).sum().item<float>()));
                var factor = Math.Min(1.0, dp.ClipNorm / (norm + 1e-12));
                for (var i = 0; i < parameters.Count; i++) sums[i].add_(parameters[i].grad!, alpha: factor);
            }
            using (no_grad())
            {
                for (var i = 0; i < parameters.Count; i++)
                {
                    var noisy = (sums[i] + randn_like(sums[i]) * (dp.NoiseMultiplier * dp.ClipNorm)) / expectedBatch;
                    if (proximal is not null) noisy = noisy + proximal.Gradient(i);
                    parameters[i].sub_(noisy * plan.LearningRate);
                }
            }
        }
        model.zero_grad();
        // Steps sample different rows; the loss of the final local model on all its rows is the comparable figure.
        double trainLoss;
        using (no_grad()) trainLoss = TaskLoss.Of(data.LabelTask.Task, model.forward(x), y, null).item<float>();
        return new PrivateTrainingResult(new LocalTrainingResult(trainLoss, data.Rows, watch.Elapsed.TotalSeconds, (int)Math.Min(steps, int.MaxValue)), steps);
    }
}
