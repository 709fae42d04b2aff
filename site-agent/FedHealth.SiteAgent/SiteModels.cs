using FedHealth.Contracts;
using FedHealth.Learning.Codec;
using FedHealth.Learning.Data;
using FedHealth.Learning.Models;
using FedHealth.Learning.Torch;
using Microsoft.Extensions.Logging;
using static TorchSharp.torch;

namespace FedHealth.SiteAgent;

/// <summary>
/// What every one of the site's handlers does with a request: build the declared model from the weights the coordinator
/// sent (refusing what does not fit), and decline with the reason, logged, when it cannot answer.
/// </summary>
/// <param name="featureNames">The site's features in its schema's order (an embedding reads its column by name).</param>
public sealed class SiteModels(string siteId, IReadOnlyList<string> featureNames, ILogger logger)
{
    /// <param name="localise">Puts the site's own values in place of some of the global ones before the model is built (FedBN).</param>
    public RoundDeclined? Load(ModelSpec spec, ModelWeights weights, IRoundMessage round, out nn.Module<Tensor, Tensor>? model,
        Func<FlatParameters, FlatParameters>? localise = null)
    {
        model = null;
        try
        {
            var parameters = FlatParameters.FromWeights(ParameterLayout.For(spec), weights);
            if (localise is not null) parameters = localise(parameters);
            model = TorchModels.Create(spec, featureNames);
            ModelParameters.Write(model, parameters);
            return null;
        }
        catch (Exception e) when (e is InvalidPayloadException or ArgumentException)
        {
            return Decline(round, $"global model refused: {e.Message}");
        }
    }

    /// <summary>
    /// A job whose model predicts another task than the site's label holds (a survival model on a binary label, say), reads
    /// inputs of another shape than the site's rows, or predicts another number of classes than its multiclass label declares.
    /// </summary>
    public static string? TaskProblem(ModelSpec? model, TabularData data)
    {
        var held = data.LabelTask;
        if (model is null) return null;
        if (model.Task != held.Task) return $"the job's model predicts {model.Task}, and this site's label is {held.Task}";
        // A model whose input is not this site's rows would fail inside training: an image site's rows are images of one shape.
        var reads = model.Input?.ToArray() ?? [model.Features];
        if (!reads.SequenceEqual(data.InputShape))
            return $"the job's model reads inputs of shape [{string.Join(", ", reads)}], and this site's rows are [{string.Join(", ", data.InputShape)}]";
        return held.Task == ModelTasks.Multiclass && model.Classes != held.Classes
            ? $"the job's model predicts {model.Classes} classes, and this site's label has {held.Classes}" : null;
    }

    public RoundDeclined Decline(IRoundMessage round, string reason)
    {
        logger.LogWarning("site {Site}: declining job {Job} round {Round}: {Reason}", siteId, round.JobId, round.Round, reason);
        var attempt = (round as ICollectionRequest)?.Attempt;
        return new RoundDeclined { JobId = round.JobId, Round = round.Round, Attempt = attempt, SiteId = siteId, Reason = reason };
    }
}
