namespace FedHealth.SiteAgent.Doctor;

/// <summary>The state folder must take writes (privacy ledger, audit log, spooled slices) and have room for them.</summary>
public static class DiskSpaceCheck
{
    public const long WarnBelow = 1L << 30;
    public const long FailBelow = 100L << 20;
    private const string Name = "state";

    public static CheckResult Run(string stateDir)
    {
        try
        {
            Directory.CreateDirectory(stateDir);
            var probe = Path.Combine(stateDir, $".doctor-{Guid.NewGuid():N}");
            File.WriteAllText(probe, "probe");
            File.Delete(probe);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return CheckResult.Fail(Name, $"{stateDir} is not writable ({e.Message})",
                $"create {stateDir} and give the user the agent runs as write access to it (or set stateDir in the site config)");
        }
        return Judge(stateDir, new DriveInfo(Path.GetFullPath(stateDir)).AvailableFreeSpace);
    }

    public static CheckResult Judge(string stateDir, long freeBytes)
    {
        var detail = $"{stateDir} is writable, {Describe(freeBytes)} free";
        return freeBytes switch
        {
            < FailBelow =>
                CheckResult.Fail(Name, detail, $"free space on the volume of {stateDir} (at least {Describe(WarnBelow)}), or point stateDir to a larger one"),
            < WarnBelow => CheckResult.Warn(Name, $"{detail} (under {Describe(WarnBelow)}: the ledger and spooled messages may fill it)"),
            _ => CheckResult.Pass(Name, detail),
        };
    }

    private static string Describe(long bytes) =>
        bytes >= 1L << 30 ? $"{bytes / (double)(1L << 30):0.#} GiB" : $"{bytes / (double)(1L << 20):0.#} MiB";
}
