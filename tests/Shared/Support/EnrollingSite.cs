using System.Text.Json.Nodes;
using FedHealth.SiteAgent;

namespace FedHealth.Tests.Support;

/// <summary>A hospital that joins by enrolment, as its IT would: a config with an enrolment folder and the site agent's `enroll` verb.</summary>
public static class EnrollingSite
{
    /// <summary>A copy of the site's shipped config with absolute data paths, an enrolment folder and a state folder, and no keys.</summary>
    public static string Config(string siteId, string folder)
    {
        Directory.CreateDirectory(folder);
        var config = JsonNode.Parse(SiteConfigProvisioning.WithKeys(Path.Combine(Paths.Sites, $"{siteId.ToLowerInvariant()}.json"), "unused", "unused",
            Path.Combine(folder, "state")))!.AsObject();
        config.Remove("consortiumFile");
        config.Remove("identityKeyFile");
        config["enrolmentDir"] = "enrolment";
        var file = Path.Combine(folder, "site.json");
        File.WriteAllText(file, config.ToJsonString());
        return file;
    }

    /// <summary>The site agent's `enroll` verb with <paramref name="args"/>: its exit code and everything it wrote.</summary>
    public static async Task<(int Code, string Output)> Enroll(params string[] args)
    {
        using var output = new StringWriter();
        using var errors = new StringWriter();
        var code = await EnrollCommand.RunAsync(args, output, errors);
        return (code, output + errors.ToString());
    }
}
