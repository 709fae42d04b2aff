using FedHealth.Contracts;
using FedHealth.Learning.Data;
using FedHealth.Learning.Torch;
using FedHealth.SiteAgent;
using FedHealth.Tests.Support;
using TorchSharp;

namespace FedHealth.Tests.Sites;

/// <summary>A training that runs past its round is stopped: the trainers stop at the next step once told, and the site tells them in time.</summary>
[Collection(TorchCollection.Name)]
public sealed class TrainingOvertimeTests
{
    private static readonly TabularData Gbsg = ShippedData.Gbsg;
    private static readonly ModelSpec Spec = new() { Kind = "logistic", Features = Gbsg.Width };

    [Fact]
    public void Both_trainers_stop_at_the_next_step_once_the_round_is_over()
    {
        using var over = new CancellationTokenSource();
        over.Cancel();
        using var model = TorchModels.Create(Spec);
        Assert.Throws<OperationCanceledException>(() => LocalTrainer.Train(model, Gbsg, new TrainingPlan(), 1, torch.CPU, over.Token));
        var dp = new DpSgdSettings { NoiseMultiplier = 1, ClipNorm = 1, SamplingRate = 0.01 };
        Assert.Throws<OperationCanceledException>(() => DpSgdTrainer.Train(model, Gbsg, new TrainingPlan(), dp, 1, torch.CPU, over.Token));
    }

    [Fact]
    public void A_site_trains_a_round_for_two_windows_from_when_it_heard_it_and_at_least_ten_minutes()
    {
        var now = new DateTimeOffset(2026, 12, 4, 12, 0, 0, TimeSpan.Zero);
        RoundStarted Due(TimeSpan inFuture) =>
            GbsgSite.Round(Guid.NewGuid(), 1, Spec, new TrainingPlan(), new ModelWeights { Tensors = [] }) with { Deadline = now + inFuture };
        Assert.Equal(TimeSpan.FromHours(2), SiteTrainer.TrainingAllowance(Due(TimeSpan.FromHours(1)), now));
        Assert.Equal(SiteTrainer.MinTrainingAllowance, SiteTrainer.TrainingAllowance(Due(TimeSpan.FromMinutes(2)), now));
        Assert.Equal(SiteTrainer.MinTrainingAllowance, SiteTrainer.TrainingAllowance(Due(TimeSpan.FromMinutes(-5)), now));
    }
}
