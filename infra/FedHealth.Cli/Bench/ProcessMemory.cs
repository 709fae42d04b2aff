namespace FedHealth.Cli.Bench;

/// <summary>
/// This process's resident memory from /proc/self/status (managed heap and libtorch's native allocations alike), and its
/// peak since the last <see cref="ResetPeak"/> (Linux: writing 5 to /proc/self/clear_refs resets VmHWM).
/// </summary>
public static class ProcessMemory
{
    public static double ResidentMb() => Field("VmRSS:");
    public static double PeakMb() => Field("VmHWM:");

    /// <summary>Starts a new peak from the current resident size; false where the kernel does not allow it (the peak then covers the whole process).</summary>
    public static bool ResetPeak()
    {
        try
        {
            File.WriteAllText("/proc/self/clear_refs", "5");
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return false; }
    }

    private static double Field(string name)
    {
        var line = File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith(name, StringComparison.Ordinal));
        return line is null ? double.NaN : double.Parse(line[name.Length..].Trim().Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture) / 1024;
    }
}
