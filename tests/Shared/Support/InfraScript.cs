using System.Diagnostics;

namespace FedHealth.Tests.Support;

/// <summary>Runs one of the project's infra scripts (the same a user runs) with its settings, bounded in time.</summary>
public static class InfraScript
{
    public static (int Code, string Output) Run(string folder, string name, IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        var start = new ProcessStartInfo("bash", [Path.Combine(Paths.RepositoryRoot, "infra", folder, name), .. args])
        {
            RedirectStandardOutput = true, RedirectStandardError = true,
        };
        foreach (var (key, value) in environment) start.Environment[key] = value;
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(5))) { process.Kill(true); return (-1, "timed out after 5 minutes"); }
        return (process.ExitCode, stdout.Result + stderr.Result);
    }
}

/// <summary>Runs a `fedhealth` command line in process, its standard output discarded, and returns its exit code.</summary>
public static class CliRunner
{
    public static async Task<int> Run(params string[] args)
    {
        var original = Console.Out;
        Console.SetOut(TextWriter.Null);
        try { return await FedHealth.Cli.FedHealthCommands.Root().Parse(args).InvokeAsync(); }
        finally { Console.SetOut(original); }
    }

    /// <summary>As <see cref="Run"/>, also returning what the command wrote to standard error (its error messages).</summary>
    public static async Task<(int Code, string Errors)> RunReadingErrors(params string[] args)
    {
        var original = Console.Error;
        using var errors = new StringWriter();
        Console.SetError(errors);
        try { return (await Run(args), errors.ToString()); }
        finally { Console.SetError(original); }
    }
}
