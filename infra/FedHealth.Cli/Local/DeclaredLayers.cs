using System.Text.Json;
using FedHealth.Contracts;

namespace FedHealth.Cli.Local;

/// <summary>The layers of a declared model, read from the file a lead names (<c>--layers</c>): a JSON list of layer objects.</summary>
public static class DeclaredLayers
{
    private static readonly JsonSerializerOptions Strict = new(WireJson.Options)
    {
        ReadCommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true,
        UnmappedMemberHandling = System.Text.Json.Serialization.JsonUnmappedMemberHandling.Disallow,
    };

    /// <summary>Null for a preset; the file's layers for "declared" (whose shapes the job's checks then infer).</summary>
    public static IReadOnlyList<LayerSpec>? Read(string model, string? path)
    {
        if (model != "declared")
            return path is null ? null : throw new ArgumentException($"--layers {path}: layers belong only to --model declared (not {model})");
        if (path is null) throw new ArgumentException("--model declared needs --layers FILE: a JSON list of layers (docs/models.md)");
        if (!File.Exists(path)) throw new ArgumentException($"--layers {path}: file not found");
        try
        {
            return JsonSerializer.Deserialize<List<LayerSpec>>(File.ReadAllText(path), Strict)
                ?? throw new ArgumentException($"--layers {path}: the file holds no list of layers");
        }
        catch (JsonException e)
        {
            throw new ArgumentException($"--layers {path}: line {(e.LineNumber ?? 0) + 1}, position {(e.BytePositionInLine ?? 0) + 1}" +
                $"{(string.IsNullOrEmpty(e.Path) || e.Path == "$" ? "" : $" ({e.Path})")}: {e.Message.Split(" Path:")[0]}");
        }
    }
}
