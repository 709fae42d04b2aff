using System.Text.Json.Nodes;

namespace FedHealth.Cli.Images;

/// <summary>
/// A partitioned image federation copied to a folder of its own and cut smaller: its first <c>sites</c> sites (the
/// darker one moved to the last of them) and about <c>imagesPerSite</c> images each. What quick runs (tests, a bench's
/// --images-per-site) use instead of the full partition; the copy's data is made on its first run.
/// </summary>
public static class FederationCut
{
    public static string Make(string federationDir, string folder, int? imagesPerSite, int? sites = null)
    {
        foreach (var file in Directory.GetFiles(federationDir, "*", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(federationDir, file);
            if (relative.StartsWith("data" + Path.DirectorySeparatorChar, StringComparison.Ordinal)) continue;
            var to = Path.Combine(folder, relative);
            Directory.CreateDirectory(Path.GetDirectoryName(to)!);
            File.Copy(file, to, overwrite: true);
        }
        var specPath = Path.Combine(folder, ImagePartition.SpecFile);
        var text = File.ReadAllText(specPath);
        var spec = JsonNode.Parse(text[text.IndexOf('{')..])!;
        if (imagesPerSite is { } perSite) spec["imagesPerSite"] = perSite;
        if (sites is { } count)
        {
            var kept = spec["sites"]!.AsArray().Select(s => s!.GetValue<string>()).Take(count).ToList();
            spec["sites"] = new JsonArray([.. kept.Select(s => JsonValue.Create(s))]);
            if (spec["darker"] is JsonObject darker) darker["site"] = kept[^1];
            foreach (var config in Directory.GetFiles(Path.Combine(folder, "sites")).Order(StringComparer.Ordinal).Skip(count)) File.Delete(config);
        }
        File.WriteAllText(specPath, spec.ToJsonString());
        return folder;
    }
}
