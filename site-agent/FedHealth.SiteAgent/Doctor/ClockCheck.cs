using System.Diagnostics;

namespace FedHealth.SiteAgent.Doctor;

/// <summary>The privacy ledger, the audit log and the coordinator's liveness view all rely on the site's clock being right.</summary>
public static class ClockCheck
{
    private const string Name = "clock";

    public static async Task<CheckResult> Run(CancellationToken cancellationToken)
    {
        try
        {
            using var process = Process.Start(new ProcessStartInfo("timedatectl", ["show", "-p", "NTPSynchronized", "--value"])
            {
                RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
            });
            if (process is null) return Judge(null, "");
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(5));
            var output = await process.StandardOutput.ReadToEndAsync(timeout.Token);
            await process.WaitForExitAsync(timeout.Token);
            return Judge(process.ExitCode, output);
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or OperationCanceledException or InvalidOperationException)
        {
            return Judge(null, "");
        }
    }

    /// <param name="exitCode">timedatectl's exit code, or null when it could not be run.</param>
    public static CheckResult Judge(int? exitCode, string output) => (exitCode, output.Trim()) switch
    {
        (0, "yes") => CheckResult.Pass(Name, "synchronised by NTP"),
        (0, "no") => CheckResult.Warn(Name, "the system clock is not NTP-synchronised: the ledger, audit log and liveness rely on time (timedatectl set-ntp " +
            "true, or the hospital's time source)"),
        _ => CheckResult.Warn(Name, "could not determine whether the clock is NTP-synchronised (no timedatectl or no systemd here); make sure it is"),
    };
}
