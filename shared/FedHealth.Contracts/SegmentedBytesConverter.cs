using System.Text.Json;
using System.Text.Json.Serialization;

namespace FedHealth.Contracts;

/// <summary>
/// Writes a byte array as one base64 string, or, when it is larger than System.Text.Json writes in one token
/// (125 MB), as an array of base64 segments; inside a <see cref="BinaryEnvelope"/> a large array goes out of line
/// as <c>{"$attachment": i}</c>. Reads every form.
/// </summary>
public sealed class SegmentedBytesConverter : JsonConverter<byte[]>
{
    public const int SegmentBytes = 64 * 1024 * 1024;

    public override byte[]? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType == JsonTokenType.Null) return null;
        if (reader.TokenType == JsonTokenType.String) return reader.GetBytesFromBase64();
        if (reader.TokenType == JsonTokenType.StartObject)
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.PropertyName || !reader.ValueTextEquals("$attachment") || !reader.Read() ||
                !reader.TryGetInt32(out var index) || !reader.Read() || reader.TokenType != JsonTokenType.EndObject)
                throw new JsonException("a byte array object must be exactly {\"$attachment\": index}");
            return BinaryEnvelope.Attachment(index);
        }
        if (reader.TokenType != JsonTokenType.StartArray)
            throw new JsonException($"expected base64 bytes or an array of base64 segments, found {reader.TokenType}");
        var segments = new List<byte[]>();
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (reader.TokenType != JsonTokenType.String) throw new JsonException($"a byte segment must be a base64 string, found {reader.TokenType}");
            segments.Add(reader.GetBytesFromBase64());
        }
        var whole = new byte[segments.Sum(s => (long)s.Length)];
        var offset = 0;
        foreach (var s in segments) { s.CopyTo(whole, offset); offset += s.Length; }
        return whole;
    }

    public override void Write(Utf8JsonWriter writer, byte[] value, JsonSerializerOptions options)
    {
        if (BinaryEnvelope.Collecting is { } attachments && value.Length >= BinaryEnvelope.AttachmentThreshold)
        {
            writer.WriteStartObject();
            writer.WriteNumber("$attachment", attachments.Count);
            writer.WriteEndObject();
            attachments.Add(value);
            return;
        }
        if (value.Length <= SegmentBytes) { writer.WriteBase64StringValue(value); return; }
        writer.WriteStartArray();
        for (var offset = 0; offset < value.Length; offset += SegmentBytes)
            writer.WriteBase64StringValue(value.AsSpan(offset, Math.Min(SegmentBytes, value.Length - offset)));
        writer.WriteEndArray();
    }
}
