using System.Text.Json;
using System.Text.Json.Serialization;

namespace FedHealth.Cli.Local;

/// <summary>Writes the run summary as camelCase JSON (NaN written as a string where a figure is undefined).</summary>
public static class SummaryFile
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    public static void Write(string path, FederationSummary summary)
    {
        var folder = Path.GetDirectoryName(Path.GetFullPath(path));
        if (folder is not null) Directory.CreateDirectory(folder);
        File.WriteAllText(path, JsonSerializer.Serialize(summary, Options));
    }
}
