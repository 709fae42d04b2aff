using System.Text.Json;
using System.Text.Json.Serialization;

namespace FedHealth.Learning.Data;

/// <summary>Reads a JSON declaration file strictly (unknown fields are errors), naming the file, line and field on failure.</summary>
public static class JsonFile
{
    public static readonly JsonSerializerOptions Strict = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        PropertyNameCaseInsensitive = false,
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        RespectNullableAnnotations = true,
        RespectRequiredConstructorParameters = true,
    };

    public static T Read<T>(string path)
    {
        if (!File.Exists(path)) throw new DataException($"{path}: file not found");
        var text = File.ReadAllText(path);
        if (string.IsNullOrWhiteSpace(text)) throw new DataException($"{path}: the file is empty");
        try
        {
            return JsonSerializer.Deserialize<T>(text, Strict) ?? throw new DataException($"{path}: the file holds null");
        }
        catch (JsonException e)
        {
            var where = e.LineNumber is { } line ? $"line {line + 1}, position {e.BytePositionInLine + 1}" : "";
            var field = string.IsNullOrEmpty(e.Path) || e.Path == "$" ? "" : $" (field {e.Path})";
            throw new DataException($"{path}: {where}{field}: {FirstSentence(e.Message)}");
        }
    }

    private static string FirstSentence(string message)
    {
        var cut = message.IndexOf(" Path:", StringComparison.Ordinal);
        return cut > 0 ? message[..cut] : message;
    }
}
