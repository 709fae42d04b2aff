using FedHealth.Contracts;
using FedHealth.Learning.Models;

namespace FedHealth.Learning.Torch;

/// <summary>The "small-cnn" preset (see ImagePresets) for a square image, as benches and tests build it without a job.</summary>
public static class SmallCnn
{
    public static DeclaredNetwork Create(int channels, int side, int outputs) =>
        (DeclaredNetwork)TorchModels.Create(new ModelSpec
        {
            Kind = ModelKinds.SmallCnn, Features = channels * side * side, Input = [channels, side, side],
            Task = outputs == 1 ? ModelTasks.Binary : ModelTasks.Multiclass, Classes = outputs == 1 ? null : outputs,
        });
}
