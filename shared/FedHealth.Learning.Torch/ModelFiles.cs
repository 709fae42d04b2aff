using System.Text.Json;
using FedHealth.Contracts;
using FedHealth.Learning.Models;
using FedHealth.Learning.Models.Architectures;
using static TorchSharp.torch;

namespace FedHealth.Learning.Torch;

/// <summary>
/// Saves and loads a trained model in TorchSharp's own format, so a lead can take the final model away; beside it,
/// <c>&lt;file&gt;.json</c> says what it is: the model spec, its digest (the one each hospital approved), its parameter
/// count and the features it reads, in order.
/// </summary>
public static class ModelFiles
{
    public static void Save(string path, ModelSpec spec, ModelWeights weights, IReadOnlyList<string>? featureNames = null)
    {
        var architecture = Architecture.Resolve(spec, featureNames);
        using var model = new DeclaredNetwork(architecture);
        ModelParameters.Write(model, FlatParameters.FromWeights(architecture.Layout, weights));
        model.save(path);
        var card = new { digest = architecture.Digest, parameters = architecture.Layout.TotalCount, featureNames, model = spec };
        File.WriteAllText(path + ".json", JsonSerializer.Serialize(card, Json));
    }

    public static nn.Module<Tensor, Tensor> Load(string path, ModelSpec spec, IReadOnlyList<string>? featureNames = null)
    {
        var model = TorchModels.Create(spec, featureNames);
        model.load(path);
        return model;
    }

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true, DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
    };
}
