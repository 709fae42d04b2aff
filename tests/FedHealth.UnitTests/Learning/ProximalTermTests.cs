using FedHealth.Contracts;
using FedHealth.Learning.Data;
using FedHealth.Learning.Models;
using FedHealth.Learning.Torch;
using FedHealth.Tests.Support;
using static TorchSharp.torch;

namespace FedHealth.Tests.Learning;

/// <summary>FedProx at the site: μ/2‖w − w_global‖² holds local training near the round's global model.</summary>
[Collection(TorchCollection.Name)]
public sealed class ProximalTermTests
{
    private static readonly TabularData Gbsg = ShippedData.Gbsg;
    private static readonly ModelSpec Spec = new() { Kind = "logistic", Features = Gbsg.Width };

    private static double DistanceTravelled(double mu, bool dpSgd)
    {
        var initial = FlatParameters.Initial(ParameterLayout.For(Spec), 1);
        using var model = TorchModels.Create(Spec);
        ModelParameters.Write(model, initial);
        var plan = new TrainingPlan { LocalEpochs = 10, LearningRate = 0.05, ProximalMu = mu };
        if (dpSgd) DpSgdTrainer.Train(model, Gbsg, plan with { LocalEpochs = 2 },
            new DpSgdSettings { NoiseMultiplier = 1.0, ClipNorm = 1.0, SamplingRate = 0.1 }, seed: 1, CPU);
        else LocalTrainer.Train(model, Gbsg, plan, seed: 1, CPU);
        var after = ModelParameters.Read(model, ParameterLayout.For(Spec)).Values;
        return Math.Sqrt(after.Zip(initial.Values, (a, b) => (double)(a - b) * (a - b)).Sum());
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_larger_mu_keeps_the_local_model_closer_to_the_global_one(bool dpSgd)
    {
        var free = DistanceTravelled(0, dpSgd);
        var held = DistanceTravelled(5, dpSgd);
        Assert.True(held < free * 0.8, $"μ=5 moved {held:F4}, μ=0 moved {free:F4}");
        Assert.True(held > 0, "the model must still learn");
    }
}
