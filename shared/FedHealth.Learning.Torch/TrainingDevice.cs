using TorchSharp;
using static TorchSharp.torch;

namespace FedHealth.Learning.Torch;

/// <summary>Where training runs: CUDA when this machine has a usable GPU, the CPU otherwise.</summary>
public static class TrainingDevice
{
    public static Device Best(bool allowCuda = true) => allowCuda && cuda.is_available() ? CUDA : CPU;

    public static string Describe(Device device) => device.type == DeviceType.CUDA ? $"cuda:{device.index} ({cuda.device_count()} GPU)" : "cpu";
}
