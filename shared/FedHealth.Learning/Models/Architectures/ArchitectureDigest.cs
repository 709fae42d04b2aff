using System.Security.Cryptography;
using System.Text.Json;
using FedHealth.Contracts;

namespace FedHealth.Learning.Models.Architectures;

/// <summary>
/// A model's digest: SHA-256 of its canonical JSON: the input shape and every layer with its defaults filled in, fields
/// in a fixed order, no whitespace. Two specs that build the same network (one spelling out a default, one not) have
/// the same digest; any change to a layer, a shape or the input changes it. Written "sha256:" and 64 hex digits.
/// </summary>
public static class ArchitectureDigest
{
    public const string Prefix = "sha256:";

    public static string Of(int[] input, IReadOnlyList<ResolvedLayer> layers) =>
        Prefix + Convert.ToHexStringLower(SHA256.HashData(Canonical(input, layers)));

    /// <summary>The canonical JSON the digest is taken of (shown by the dashboard and written beside a saved model).</summary>
    public static byte[] Canonical(int[] input, IReadOnlyList<ResolvedLayer> layers)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WritePropertyName("input");
            Ints(json, input);
            json.WritePropertyName("layers");
            Layers(json, layers);
            json.WriteEndObject();
        }
        return buffer.ToArray();
    }

    private static void Layers(Utf8JsonWriter json, IReadOnlyList<ResolvedLayer> layers)
    {
        json.WriteStartArray();
        foreach (var l in layers)
        {
            json.WriteStartObject();
            json.WriteString("kind", l.Kind);
            json.WriteString("name", l.Name);
            foreach (var field in LayerKinds.Fields[l.Kind])
            {
                switch (field)
                {
                    case "units": json.WriteNumber(field, l.Units); break;
                    case "kernel": json.WriteNumber(field, l.Kernel); break;
                    case "stride": json.WriteNumber(field, l.Stride); break;
                    case "padding": json.WriteNumber(field, l.Padding); break;
                    case "output": json.WriteNumber(field, l.OutputSize); break;
                    case "p": json.WriteNumber(field, l.P); break;
                    case "bias": json.WriteBoolean(field, l.Bias); break;
                    case "feature": json.WriteString(field, l.Feature); break;
                    case "categories": json.WriteNumber(field, l.Categories); break;
                    case "dimensions": json.WriteNumber(field, l.Dimensions); break;
                    case "layers": json.WritePropertyName(field); Layers(json, l.Layers); break;
                    // Written only when there is one, so every block without a shortcut keeps the digest it had before shortcuts.
                    case "shortcut" when l.Shortcut.Count > 0: json.WritePropertyName(field); Layers(json, l.Shortcut); break;
                }
            }
            json.WriteEndObject();
        }
        json.WriteEndArray();
    }

    private static void Ints(Utf8JsonWriter json, int[] values)
    {
        json.WriteStartArray();
        foreach (var v in values) json.WriteNumberValue(v);
        json.WriteEndArray();
    }
}
