using FedHealth.Contracts;
using FedHealth.Learning.Data;
using FedHealth.Learning.Models;
using FedHealth.Learning.Strategies;
using FedHealth.Learning.Torch;
using static TorchSharp.torch;

namespace FedHealth.SiteAgent;

/// <summary>
/// The site's own model in a personalised job. Ditto: each training round also moves the personal model v by local
/// SGD on λ/2‖v − w_global‖² plus the data loss. Fine-tuning: after the last round, the final global model trains a
/// few more epochs here. Either way the personal model is saved in the site's state folder and its score on the site's
/// held-out rows leaves, as aggregate metrics; the model itself leaves only for cross-site evaluation, when the job
/// asks and the site's policy allows it (the agent's transfer gate decides). Callers hold the agent's torch lock.
/// </summary>
public sealed class SitePersonalisation(string siteId, TrainTestSplit split, Device device, string stateDir) : IJobState
{
    private readonly Dictionary<Guid, FlatParameters> ditto = new();
    // Jobs training under record-level DP: a personal model would train on the records outside the accountant.
    // The coordinator's rules refuse the combination; the site does not rely on that.
    private readonly HashSet<Guid> underDp = new();
    // Jobs run with secure aggregation or site-level DP: the coordinator's rules refuse cross-site evaluation there,
    // and the site never shares a personal model whose training those protections were meant to cover.
    private readonly HashSet<Guid> protectedJobs = new();

    /// <summary>The job ended before its final evaluation (failed, stopped): its personal model and flags go.</summary>
    public void Forget(Guid jobId)
    {
        ditto.Remove(jobId);
        underDp.Remove(jobId);
        protectedJobs.Remove(jobId);
    }

    public bool Holds(Guid jobId) => ditto.ContainsKey(jobId) || underDp.Contains(jobId) || protectedJobs.Contains(jobId);

    /// <summary>Ditto's step for a round the site has just trained (once per round: the agent caches its answer).</summary>
    public void AfterTraining(RoundStarted round, int seed)
    {
        if (round.SecureRound is not null || round.SiteLevelPrivacy is not null) protectedJobs.Add(round.JobId);
        if (round.Privacy is not null) { underDp.Add(round.JobId); return; }
        if (round.Personalisation is not { Method: PersonalisationMethods.Ditto } p) return;
        var layout = ParameterLayout.For(round.Model);
        var global = FlatParameters.FromWeights(layout, round.GlobalWeights);
        using var anchor = TorchModels.Create(round.Model, split.Train.FeatureNames);
        ModelParameters.Write(anchor, global);
        using var personal = TorchModels.Create(round.Model, split.Train.FeatureNames);
        ModelParameters.Write(personal, ditto.TryGetValue(round.JobId, out var v) ? v : global);
        LocalTrainer.Train(personal, split.Train, round.Training with { ProximalMu = p.Lambda }, seed, device, proximalAnchor: anchor);
        ditto[round.JobId] = ModelParameters.Read(personal, layout);
    }

    /// <summary>
    /// The personal model and its score on the held-out rows at the job's last evaluation; null when there is none.
    /// <see cref="PersonalModel.NotShareable"/> says why it may not go out even if the job asks for cross-site evaluation.
    /// </summary>
    public PersonalModel? Evaluate(EvaluationRequested request)
    {
        var isProtected = protectedJobs.Contains(request.JobId);
        if (request.Final) protectedJobs.Remove(request.JobId);
        if (!request.Final || request.Personalisation is not { } p || underDp.Remove(request.JobId)) return null;
        var layout = ParameterLayout.For(request.Model);
        using var model = TorchModels.Create(request.Model, split.Train.FeatureNames);
        if (p.Method == PersonalisationMethods.FineTune)
        {
            var global = FlatParameters.FromWeights(layout, request.GlobalWeights);
            ModelParameters.Write(model, global);
            var plan = (request.Training ?? new TrainingPlan()) with { LocalEpochs = p.Epochs, ProximalMu = 0 };
            // Early stopping: the epochs (0..p.Epochs) that cross-validate best on the training rows alone.
            var epochs = p.EarlyStopping ? FineTuneEpochs.Choose(request.Model, global, split.Train, plan, p.Epochs, request.Round, device) : p.Epochs;
            if (epochs > 0) LocalTrainer.Train(model, split.Train, plan with { LocalEpochs = epochs }, seed: request.Round, device);
        }
        else if (ditto.Remove(request.JobId, out var personal)) ModelParameters.Write(model, personal);
        else return null; // this agent restarted mid-job: no personal model to score
        var shared = ModelParameters.Read(model, layout).ToWeights();
        ModelFiles.Save(Path.Combine(Directory.CreateDirectory(Path.Combine(stateDir, "models")).FullName, $"{request.JobId}-personal.pt"),
            request.Model, shared, split.Train.FeatureNames);
        return new PersonalModel(ModelEvaluator.Evaluate(siteId, model, split.Test, device), shared,
            isProtected ? "the job ran with secure aggregation or site-level DP, whose protection a single site's model would bypass" : null);
    }
}

/// <summary>A site's personal model at the end of a job, its score on the site's held-out rows, and why it may not be shared (null: it may).</summary>
public sealed record PersonalModel(SiteEvaluation Evaluation, ModelWeights Weights, string? NotShareable);
