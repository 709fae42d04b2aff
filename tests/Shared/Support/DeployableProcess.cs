using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;

namespace FedHealth.Tests.Support;

/// <summary>One deployable (coordinator, site agent, dashboard) run as its own OS process from the test's output folder.</summary>
public sealed class DeployableProcess : IDisposable
{
    private readonly Process process;
    private readonly StringBuilder output = new();

    public string Name { get; }

    public DeployableProcess(string name, string assembly, params string[] args) : this(name, assembly, null, args) { }

    /// <param name="environment">More environment variables for the process (a proxy that records any outbound attempt, say).</param>
    public DeployableProcess(string name, string assembly, IReadOnlyDictionary<string, string>? environment, params string[] args)
    {
        Name = name;
        var start = new ProcessStartInfo("dotnet", [Path.Combine(Paths.Output, assembly), .. args])
        {
            RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = Paths.Output,
            Environment = { ["DOTNET_ENVIRONMENT"] = "Production", ["Logging__Console__FormatterName"] = "simple" },
        };
        foreach (var (key, value) in environment ?? new Dictionary<string, string>()) start.Environment[key] = value;
        process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public bool HasExited => process.HasExited;

    /// <summary>kill -9: no shutdown hooks, no goodbye to the cluster or the broker, as when a machine dies.</summary>
    public void KillHard()
    {
        process.Kill(entireProcessTree: true);
        process.WaitForExit(10_000);
    }

    /// <summary>SIGTERM, as an operator stops a service: the process shuts down in order (its bus included) and exits.</summary>
    public bool Stop(TimeSpan within)
    {
        Signal(SigTerm);
        return process.WaitForExit(within);
    }

    /// <summary>SIGSTOP: the process hangs (a frozen VM, a swapped-out machine) with its connections left open.</summary>
    public void Freeze() => Signal(SigStop);

    /// <summary>SIGCONT: the frozen process carries on where it stopped.</summary>
    public void Thaw() => Signal(SigCont);

    private const int SigTerm = 15, SigCont = 18, SigStop = 19;

    private void Signal(int signal)
    {
        if (kill(process.Id, signal) != 0)
            throw new InvalidOperationException($"signal {signal} to {Name} (pid {process.Id}) failed: errno {Marshal.GetLastPInvokeError()}");
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int sig);

    public string Output
    {
        get { lock (output) return output.ToString(); }
    }

    private void Append(string? line)
    {
        if (line is null) return;
        lock (output) output.AppendLine(line);
    }

    public void Dispose()
    {
        try
        {
            if (!process.HasExited) { Signal(SigCont); process.Kill(entireProcessTree: true); }
            process.WaitForExit(10_000);
        }
        catch (InvalidOperationException) { }
        process.Dispose();
    }
}
