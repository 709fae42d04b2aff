using FedHealth.Contracts;
using FedHealth.Governance;
using FedHealth.Learning.Data;
using FedHealth.Learning.Metrics;
using FedHealth.Learning.Torch;
using Microsoft.Extensions.Logging;
using static TorchSharp.torch;

namespace FedHealth.SiteAgent;

/// <summary>
/// The site's handler for scoring steps: a round's evaluation of the global model (and of its personal model) and,
/// after a personalised job, cross-site scoring of every final model, on the held-out rows. Only aggregate figures
/// leave, through the gate. Not thread-safe: the agent calls it under its lock (TorchSharp's scopes are thread-bound).
/// </summary>
public sealed class SiteScoring(string siteId, TrainTestSplit split, Device device, TransferGate gate, SitePersonalisation personalisation,
    SiteControlVariates controlVariates, SiteBatchNorm batchNorm, SiteModels models, ILogger logger)
{
    /// <summary>Scores the held-out rows with the round's global model; only aggregate figures leave.</summary>
    public ISiteRoundMessage? Evaluate(EvaluationRequested request)
    {
        gate.Received(request);
        if (NotThisModel(request, request.Model) is { } refused) return refused;
        using var scope = NewDisposeScope();
        // FedBN: the global model is scored as this site uses it, with its own batch-norm values.
        var localBatchNorm = request.LocalBatchNorm;
        if (models.Load(request.Model, request.GlobalWeights, request, out var model,
            localBatchNorm is null ? null : global => batchNorm.Localise(request.JobId, localBatchNorm, global)) is not null) return null;
        var evaluation = ModelEvaluator.Evaluate(siteId, model!, split.Test, device);
        var personal = personalisation.Evaluate(request);
        if (request.Final) controlVariates.Forget(request.JobId);
        // Logged by the task's headline figure (AUC, C-index, accuracy or RMSE), as the dashboard and the CLI name it.
        var figure = PrimaryFigure.Of(request.Model.Task, evaluation.Metrics);
        logger.LogInformation("site {Site}: job {Job} round {Round}: held-out {Figure} {Value:F4}, loss {Loss:F4} on {Rows} rows{Personal}",
            siteId, request.JobId, request.Round, figure.Name, figure.Value, evaluation.Metrics.Loss, evaluation.Metrics.Samples,
            personal is null ? "" : $"; personal model {figure.Name} {PrimaryFigure.ValueOf(request.Model.Task, personal.Evaluation.Metrics):F4}");
        var submitted = new EvaluationSubmitted
        {
            JobId = request.JobId, Round = request.Round, SiteId = siteId, Evaluation = evaluation,
            Personalised = personal?.Evaluation
        };
        if (personal is not null && request.Personalisation is { CrossSiteEvaluation: true })
        {
            var withModel = submitted with { PersonalModel = personal.Weights };
            var withheld = personal.NotShareable ?? gate.PersonalModelRefusal(withModel);
            submitted = withheld is null ? withModel : submitted with { PersonalModelWithheld = withheld };
        }
        return gate.Release(submitted);
    }

    /// <summary>
    /// The decline of a scoring request for a model this site will not run, before any row is read: its policy does not
    /// accept the model (the gate records that), or the model predicts another task than the site's label holds.
    /// </summary>
    private ISiteRoundMessage? NotThisModel(IRoundMessage request, ModelSpec model)
    {
        if (gate.AdmitModel(request, model, split.Test.FeatureNames, DataKinds.AggregateMetrics) is { } notApproved) return notApproved;
        return SiteModels.TaskProblem(model, split.Test) is { } wrongTask ? gate.Release(models.Decline(request, wrongTask)) : null;
    }

    /// <summary>
    /// Cross-site evaluation: scores every final model the coordinator sent (the global one and the personal models
    /// other sites shared) on this site's held-out rows. Only the figures leave; the models are not kept.
    /// </summary>
    public ISiteRoundMessage? CrossEvaluate(CrossSiteEvaluationRequested request)
    {
        gate.Received(request);
        if (NotThisModel(request, request.Model) is { } notScored) return notScored;
        var scores = new List<CrossSiteScore>();
        foreach (var candidate in request.Candidates)
        {
            using var scope = NewDisposeScope();
            if (models.Load(request.Model, candidate.Weights, request, out var model) is { } refused)
                return gate.Release(
                    refused with { Reason = $"{(candidate.PersonalOf is { } owner ? $"personal model of {owner}" : "global model")}: {refused.Reason}" });
            scores.Add(new CrossSiteScore { PersonalOf = candidate.PersonalOf, Metrics = ModelEvaluator.Evaluate(siteId, model!, split.Test, device).Metrics });
        }
        logger.LogInformation("site {Site}: job {Job}: scored {Count} final models on {Rows} held-out rows (cross-site evaluation)",
            siteId, request.JobId, scores.Count, split.Test.Rows);
        return gate.Release(new CrossSiteEvaluationSubmitted { JobId = request.JobId, Round = request.Round, SiteId = siteId, Scores = scores });
    }
}
