using System.CommandLine;
using FedHealth.Cli;
using FedHealth.Tests.Support;

namespace FedHealth.Tests.Sites;

/// <summary>`fedhealth site`: its verbs and their options in --help like every other verb, each handed to the site agent's program as given.</summary>
public sealed class SiteCommandsTests : IDisposable
{
    private readonly TempFolder temp = new();

    [Fact]
    public async Task Site_help_lists_the_five_verbs_and_each_verb_its_options()
    {
        var help = await Invoke("site", "--help");
        foreach (var verb in new[] { "init", "enroll <BUNDLE>", "doctor", "run", "bench" })
            Assert.Matches($@"\n\s+{System.Text.RegularExpressions.Regex.Escape(verb)}\s+\S", help);
        Assert.Contains("--site-id", await Invoke("site", "init", "--help"));
        var enroll = await Invoke("site", "enroll", "--help");
        Assert.Contains("--ca-fingerprint", enroll);
        Assert.Contains("request", enroll);
        Assert.Contains("--rotate", await Invoke("site", "enroll", "request", "--help"));
        Assert.Contains("--epochs", await Invoke("site", "bench", "--help"));
        Assert.Contains("--config <config> (REQUIRED)", await Invoke("site", "run", "--help"));
    }

    [Fact]
    public async Task A_verb_reaches_the_site_agent_with_its_options_and_a_missing_required_option_is_named()
    {
        var original = Console.Out;
        using var console = new StringWriter();
        Console.SetOut(console);
        try
        {
            var code = await FedHealthCommands.Root().Parse(["site", "init", "--out", temp.Path, "--site-id", "XX-TEST", "--jurisdiction", "NL"]).InvokeAsync();
            Assert.Equal(0, code);
        }
        finally { Console.SetOut(original); }
        Assert.Contains("\"XX-TEST\"", File.ReadAllText(Path.Combine(temp.Path, "site.json")));
        Assert.Contains("Option '--config' is required", await Invoke("site", "doctor", "--Bus:Transport=InMemory"));
    }

    private static async Task<string> Invoke(params string[] args)
    {
        using var output = new StringWriter();
        await FedHealthCommands.Root().Parse(args).InvokeAsync(new InvocationConfiguration { Output = output, Error = output });
        return output.ToString();
    }

    public void Dispose() => temp.Dispose();
}
