using FedHealth.Contracts;
using FedHealth.Learning.Data;
using FedHealth.Learning.Metrics;
using FedHealth.Learning.Models;
using FedHealth.Learning.Torch;
using static TorchSharp.torch;

namespace FedHealth.Cli.Local;

/// <summary>
/// The yardsticks a federation is judged against, computed by the simulation harness (which, unlike any real
/// participant, can see every site's rows): one model trained on pooled rows, or on one site's rows alone.
/// </summary>
public static class CentralTraining
{
    /// <summary>Trains the job's model on <paramref name="train"/> for the same total epochs the federation ran, from the same initial weights.</summary>
    public static nn.Module<Tensor, Tensor> Train(ModelSpec model, TrainingPlan plan, int rounds, int seed, TabularData train)
    {
        var module = TorchModels.Create(model, train.FeatureNames);
        ModelParameters.Write(module, FlatParameters.Initial(ParameterLayout.For(model), seed));
        LocalTrainer.Train(module, train, plan with { LocalEpochs = plan.LocalEpochs * rounds }, seed, CPU);
        return module;
    }

    /// <summary>The model on each site's held-out rows, and on all of them together (AUC from the sites' histograms pooled as for the federation).</summary>
    public static (ModelMetrics All, IReadOnlyList<SiteEvaluation> Sites) Score(nn.Module<Tensor, Tensor> model,
        IEnumerable<(string SiteId, TabularData Test)> sites, string task = ModelTasks.Binary)
    {
        var evaluations = sites.Select(s => ModelEvaluator.Evaluate(s.SiteId, model, s.Test, CPU)).ToList();
        return (TaskMetrics.Pool(task, evaluations), evaluations);
    }
}
