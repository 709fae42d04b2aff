using System.CommandLine;
using System.Text.Json;
using FedHealth.Cli;
using FedHealth.Tests.Support;
using Xunit.Abstractions;

namespace FedHealth.Tests.Integration;

/// <summary>
/// `fedhealth job` against a real dashboard (its own process, on a real broker with a coordinator and three site
/// agents): a lead submits a spec file and watches it to the end in JSON, lists and downloads it; a stop of an ended
/// job, an auditor's submission and a bad spec file are refused with their reason and exit 1.
/// </summary>
[Collection(RabbitMqCollection.Name)]
public sealed class JobCommandsTests(RabbitMqBroker broker, ITestOutputHelper log) : IDisposable
{
    private static readonly string[] SiteIds = ["DE-GBSG", "NL-ROTTERDAM-A", "NL-ROTTERDAM-B"];
    private readonly TempFolder temp = new();

    [Fact]
    public async Task A_lead_submits_watches_lists_and_downloads_a_job_from_the_command_line_and_refusals_say_why()
    {
        using var federation = new ProcessFederation(broker, temp.Path, SiteIds, log);
        await federation.SitesOnline(3);
        var lead = await DashboardUsers.Token(federation.BaseAddress, "lead");
        var spec = Path.Combine(temp.Path, "job.json");
        File.WriteAllText(spec, JsonSerializer.Serialize(ProcessFederation.BreastPrognosis(rounds: 2, TimeSpan.FromSeconds(90)), ProcessFederation.Json));
        string[] at = ["--url", federation.BaseAddress, "--token", lead];

        var (code, output, _) = await Job(["job", "submit", spec, "--watch", "--json", .. at]);
        Assert.Equal(0, code);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        var job = lines[0].GetProperty("jobId").GetGuid();
        Assert.Equal([1, 2], lines.Skip(1).SkipLast(1).Select(l => l.GetProperty("round").GetInt32()));
        Assert.Equal("completed", lines[^1].GetProperty("status").GetString());

        (code, output, _) = await Job(["job", "list", "--json", .. at]);
        Assert.Equal(0, code);
        var listed = JsonDocument.Parse(output).RootElement.EnumerateArray().Single(j => j.GetProperty("jobId").GetGuid() == job);
        Assert.Equal(2, listed.GetProperty("roundsClosed").GetInt32());

        var folder = Path.Combine(temp.Path, "download");
        (code, _, _) = await Job(["job", "download", job.ToString(), "--out", folder, .. at]);
        Assert.Equal(0, code);
        Assert.Equal(await federation.ModelWeights(job),
            JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, $"{job}.model.json"))).RootElement.GetProperty("weights").GetRawText());
        Assert.Equal(2, JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, $"{job}.report.json"))).RootElement.GetProperty("rounds").GetArrayLength());

        (code, _, var error) = await Job(["job", "stop", job.ToString(), .. at]);
        Assert.Equal((1, true), (code, error.Contains("already ended")));
        var auditor = await DashboardUsers.Token(federation.BaseAddress, "auditor");
        (code, _, error) = await Job(["job", "submit", spec, "--url", federation.BaseAddress, "--token", auditor]);
        Assert.Equal((1, true), (code, error.Contains("role may not")));
        File.WriteAllText(spec, "{\"name\": 3");
        (code, _, error) = await Job(["job", "submit", spec, .. at]);
        Assert.Equal((1, true), (code, error.Contains("not a job spec")));
    }

    private static async Task<(int Code, string Output, string Error)> Job(string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await FedHealthCommands.Root().Parse(args).InvokeAsync(new InvocationConfiguration { Output = output, Error = error });
        return (code, output.ToString(), error.ToString());
    }

    public void Dispose() => temp.Dispose();
}
