using FedHealth.Contracts;
using FedHealth.Learning.Models;
using static TorchSharp.torch;

namespace FedHealth.Learning.Torch;

/// <summary>Saves and loads a trained model in TorchSharp's own format, so a lead can take the final model away.</summary>
public static class ModelFiles
{
    public static void Save(string path, ModelSpec spec, ModelWeights weights)
    {
        using var model = TorchModels.Create(spec);
        ModelParameters.Write(model, FlatParameters.FromWeights(ParameterLayout.For(spec), weights));
        model.save(path);
    }

    public static nn.Module<Tensor, Tensor> Load(string path, ModelSpec spec)
    {
        var model = TorchModels.Create(spec);
        model.load(path);
        return model;
    }
}
