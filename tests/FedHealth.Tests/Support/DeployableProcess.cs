using System.Diagnostics;
using System.Text;

namespace FedHealth.Tests.Support;

/// <summary>One deployable (coordinator, site agent, dashboard) run as its own OS process from the test's output folder.</summary>
public sealed class DeployableProcess : IDisposable
{
    private readonly Process process;
    private readonly StringBuilder output = new();

    public string Name { get; }

    public DeployableProcess(string name, string assembly, params string[] args)
    {
        Name = name;
        var start = new ProcessStartInfo("dotnet", [Path.Combine(Paths.Output, assembly), .. args])
        {
            RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = Paths.Output,
            Environment = { ["DOTNET_ENVIRONMENT"] = "Production", ["Logging__Console__FormatterName"] = "simple" },
        };
        process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public bool HasExited => process.HasExited;

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
        try { if (!process.HasExited) process.Kill(entireProcessTree: true); process.WaitForExit(10_000); }
        catch (InvalidOperationException) { }
        process.Dispose();
    }
}
