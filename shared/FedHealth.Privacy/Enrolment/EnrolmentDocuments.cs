using System.Text.Json;
using FedHealth.Contracts;

namespace FedHealth.Privacy.Enrolment;

/// <summary>
/// Reads and writes the enrolment request and bundle files that travel between a hospital and the consortium. A file
/// that does not parse is refused naming the file and the field; unknown fields are refused too (a typo or a file of
/// another kind must not be half-read).
/// </summary>
public static class EnrolmentDocuments
{
    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        UnmappedMemberHandling = System.Text.Json.Serialization.JsonUnmappedMemberHandling.Disallow,
        RespectNullableAnnotations = true,
    };

    public static EnrolmentRequest ReadRequest(string path) => Read<EnrolmentRequest>(path, EnrolmentRequest.CurrentFormat);

    public static EnrolmentBundle ReadBundle(string path) => Read<EnrolmentBundle>(path, EnrolmentBundle.CurrentFormat);

    public static void Write<T>(string path, T document)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        File.WriteAllText(path, JsonSerializer.Serialize(document, Options));
    }

    private static T Read<T>(string path, string format)
    {
        if (!File.Exists(path)) throw new InvalidDataException($"{path}: file not found");
        try
        {
            var text = File.ReadAllText(path);
            // The format first: a file of another version is named as such, not by the first field it lacks or adds.
            var found = System.Text.Json.Nodes.JsonNode.Parse(text) is System.Text.Json.Nodes.JsonObject o && o["format"] is System.Text.Json.Nodes.JsonValue v
                && v.TryGetValue<string>(out var f) ? f : null;
            if (found != format)
                throw new InvalidDataException(
                    $"{path}: format is '{found}', expected '{format}' (made by another FedHealth version, or not an enrolment file)");
            return JsonSerializer.Deserialize<T>(text, Options) ?? throw new InvalidDataException($"{path}: the file holds null");
        }
        catch (JsonException e)
        {
            var field = string.IsNullOrEmpty(e.Path) || e.Path == "$" ? "" : $" (field {e.Path})";
            var cut = e.Message.IndexOf(" Path:", StringComparison.Ordinal);
            throw new InvalidDataException($"{path}{field}: not a {typeof(T).Name} file: {(cut > 0 ? e.Message[..cut] : e.Message)}");
        }
    }
}
