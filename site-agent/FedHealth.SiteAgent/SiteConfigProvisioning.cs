using System.Text.Json;
using System.Text.Json.Nodes;

namespace FedHealth.SiteAgent;

/// <summary>
/// Makes a ready-to-run copy of a site config for a provisioned consortium: every relative path made absolute
/// (so the copy works from anywhere), plus the site's identity key, the consortium file and a state folder.
/// </summary>
public static class SiteConfigProvisioning
{
    public static string SiteIdOf(string sourceConfig) =>
        Parse(sourceConfig)["site"]?["id"]?.GetValue<string>() ?? throw new InvalidDataException($"{sourceConfig}: no site.id");

    /// <summary>Where the config says its site is (site.jurisdiction), for the consortium file to register.</summary>
    public static string JurisdictionOf(string sourceConfig) =>
        Parse(sourceConfig)["site"]?["jurisdiction"]?.GetValue<string>() ?? throw new InvalidDataException($"{sourceConfig}: no site.jurisdiction");

    public static string WithKeys(string sourceConfig, string consortiumFile, string identityKeyFile, string stateDir)
    {
        var folder = Path.GetDirectoryName(Path.GetFullPath(sourceConfig))!;
        var config = Parse(sourceConfig);
        var data = config["data"]!.AsObject();
        // A site reading its data from SQL has no csv path to make absolute.
        foreach (var key in new[] { "csv", "schema" })
            if (data[key] is { } file) data[key] = Path.GetFullPath(file.GetValue<string>(), folder);
        if (config["policyFile"] is { } policy) config["policyFile"] = Path.GetFullPath(policy.GetValue<string>(), folder);
        config["consortiumFile"] = Path.GetFullPath(consortiumFile);
        config["identityKeyFile"] = Path.GetFullPath(identityKeyFile);
        config["stateDir"] = Path.GetFullPath(stateDir);
        return config.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
    }

    private static JsonObject Parse(string path) =>
        JsonNode.Parse(File.ReadAllText(path), documentOptions: new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip })!.AsObject();
}
