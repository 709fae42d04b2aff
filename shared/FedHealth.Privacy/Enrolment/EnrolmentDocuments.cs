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

    public static EnrolmentRequest ReadRequest(string path) =>
        Check(Read<EnrolmentRequest>(path), path, r => r.Format, EnrolmentRequest.CurrentFormat);

    public static EnrolmentBundle ReadBundle(string path) =>
        Check(Read<EnrolmentBundle>(path), path, b => b.Format, EnrolmentBundle.CurrentFormat);

    public static void Write<T>(string path, T document)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        File.WriteAllText(path, JsonSerializer.Serialize(document, Options));
    }

    private static T Read<T>(string path)
    {
        if (!File.Exists(path)) throw new InvalidDataException($"{path}: file not found");
        try
        {
            return JsonSerializer.Deserialize<T>(File.ReadAllText(path), Options) ?? throw new InvalidDataException($"{path}: the file holds null");
        }
        catch (JsonException e)
        {
            var field = string.IsNullOrEmpty(e.Path) || e.Path == "$" ? "" : $" (field {e.Path})";
            var cut = e.Message.IndexOf(" Path:", StringComparison.Ordinal);
            throw new InvalidDataException($"{path}{field}: not a {typeof(T).Name} file: {(cut > 0 ? e.Message[..cut] : e.Message)}");
        }
    }

    private static T Check<T>(T document, string path, Func<T, string> format, string expected) =>
        format(document) == expected ? document
            : throw new InvalidDataException($"{path}: format is '{format(document)}', expected '{expected}' (made by another FedHealth version, or not an enrolment file)");
}
