using System.Diagnostics;
using static TorchSharp.torch;

namespace FedHealth.SiteAgent.Doctor;

/// <summary>Whether libtorch loads here, and which device the agent will train on.</summary>
public static class TorchChecks
{
    public static CheckResult Libtorch()
    {
        try
        {
            using var sum = tensor(new float[] { 1, 2, 3 }).sum();
            return sum.item<float>() == 6
                ? CheckResult.Pass("libtorch", $"loaded (TorchSharp {typeof(TorchSharp.torch).Assembly.GetName().Version})")
                : CheckResult.Fail("libtorch", "a tiny tensor sum came out wrong", "reinstall the site agent package");
        }
        catch (Exception e) when (e is DllNotFoundException or TypeInitializationException or NotSupportedException or InvalidOperationException or BadImageFormatException)
        {
            return CheckResult.Fail("libtorch", $"does not load: {e.GetBaseException().Message}",
                "use the package with the CPU libtorch, or for --gpu install a CUDA libtorch matching TorchSharp and put its lib/ folder on LD_LIBRARY_PATH");
        }
    }

    public static CheckResult Device(string configured)
    {
        bool available;
        int count;
        try { (available, count) = (cuda.is_available(), cuda.device_count()); }
        catch (Exception e) when (e is DllNotFoundException or TypeInitializationException) { (available, count) = (false, 0); }
        return Judge(configured, available, count, available ? GpuNames() : null);
    }

    public static CheckResult Judge(string configured, bool cudaAvailable, int cudaDevices, string? gpus) => (configured, cudaAvailable) switch
    {
        ("cpu", _) => CheckResult.Pass("device", "cpu (training.device is cpu)"),
        (_, true) => CheckResult.Pass("device", $"cuda: {cudaDevices} device{(cudaDevices == 1 ? "" : "s")}{(gpus is null ? "" : $" ({gpus})")}"),
        ("cuda", false) => CheckResult.Fail("device", "training.device is cuda but no CUDA device is available",
            "install the NVIDIA driver and a CUDA libtorch (LD_LIBRARY_PATH), or set training.device to auto or cpu"),
        _ => CheckResult.Warn("device", "no CUDA device: training falls back to the CPU (fine for small models)"),
    };

    /// <summary>TorchSharp names no GPU and reports no memory; nvidia-smi does, where the driver installed it.</summary>
    private static string? GpuNames()
    {
        try
        {
            using var process = Process.Start(new ProcessStartInfo("nvidia-smi", ["--query-gpu=name,memory.total", "--format=csv,noheader"])
            { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false });
            if (process is null) return null;
            var output = process.StandardOutput.ReadToEnd();
            return process.WaitForExit(5000) && process.ExitCode == 0
                ? string.Join("; ", output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)) : null;
        }
        catch (System.ComponentModel.Win32Exception) { return null; }
    }
}
