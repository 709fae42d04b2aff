using System.Buffers.Binary;
using System.Text.Json;

namespace FedHealth.Contracts;

/// <summary>
/// A message as compact JSON plus its large byte arrays (model tensors, sealed boxes) stored raw after it:
/// <c>"FHB1" | int32 JSON length | JSON | int32 count | (int64 length | bytes)*</c>, where the JSON names each
/// array as <c>{"$attachment": i}</c>. A 300 MB model then costs 300 MB on disk or on the wire rather than 400 MB of
/// base64 inside one JSON string, and is written and read without a second whole copy in memory.
/// </summary>
public static class BinaryEnvelope
{
    /// <summary>Arrays smaller than this stay inline as base64.</summary>
    public const int AttachmentThreshold = 64 * 1024;
    private static ReadOnlySpan<byte> Magic => "FHB1"u8;

    [ThreadStatic] private static List<byte[]>? collecting;
    [ThreadStatic] private static IReadOnlyList<byte[]>? reading;

    internal static List<byte[]>? Collecting => collecting;

    public static bool IsEnvelope(ReadOnlySpan<byte> bytes) => bytes.StartsWith(Magic);

    /// <summary>Writes the message; returns how many arrays went out of line.</summary>
    public static int Write(Stream stream, object message, JsonSerializerOptions options)
    {
        var (json, attachments) = Detach(message, options);
        Write(stream, json, attachments);
        return attachments.Count;
    }

    /// <summary>The envelope as the pieces it is made of, the message's large arrays among them uncopied.</summary>
    public static IReadOnlyList<ReadOnlyMemory<byte>> Segments(object message, JsonSerializerOptions options)
    {
        var (json, attachments) = Detach(message, options);
        return Layout(json, attachments);
    }

    /// <summary>The envelope's size for a detached message, so a buffer of exactly that size can be filled.</summary>
    public static long Size(byte[] json, IReadOnlyList<byte[]> attachments) => Layout(json, attachments).Sum(s => (long)s.Length);

    public static void Write(Stream stream, byte[] json, IReadOnlyList<byte[]> attachments)
    {
        foreach (var segment in Layout(json, attachments)) stream.Write(segment.Span);
    }

    /// <summary>The one place the layout is written down: magic, JSON length, JSON, count, then each attachment's length and bytes.</summary>
    private static List<ReadOnlyMemory<byte>> Layout(byte[] json, IReadOnlyList<byte[]> attachments)
    {
        var head = new byte[8];
        Magic.CopyTo(head);
        BinaryPrimitives.WriteInt32LittleEndian(head.AsSpan(4), json.Length);
        var count = new byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(count, attachments.Count);
        var segments = new List<ReadOnlyMemory<byte>> { head, json, count };
        foreach (var a in attachments)
        {
            var length = new byte[8];
            BinaryPrimitives.WriteInt64LittleEndian(length, a.LongLength);
            segments.Add(length);
            segments.Add(a);
        }
        return segments;
    }

    /// <summary>The message's JSON with its large arrays taken out, and those arrays (not copied).</summary>
    public static (byte[] Json, List<byte[]> Attachments) Detach(object message, JsonSerializerOptions options)
    {
        var attachments = new List<byte[]>();
        collecting = attachments;
        try { return (JsonSerializer.SerializeToUtf8Bytes(message, message.GetType(), options), attachments); }
        finally { collecting = null; }
    }

    /// <exception cref="InvalidDataException">The bytes are not a well-formed envelope of <paramref name="type"/>.</exception>
    public static object Read(Stream stream, Type type, JsonSerializerOptions options)
    {
        Span<byte> header = stackalloc byte[8];
        ReadExactly(stream, header[..4], "its magic number");
        if (!header[..4].SequenceEqual(Magic)) throw new InvalidDataException("not a FedHealth binary envelope (bad magic number)");
        ReadExactly(stream, header[..4], "its JSON length");
        var jsonLength = BinaryPrimitives.ReadInt32LittleEndian(header);
        if (jsonLength < 2 || jsonLength > 64 * 1024 * 1024) throw new InvalidDataException($"envelope JSON length {jsonLength} is outside 2..64 MiB");
        var json = new byte[jsonLength];
        ReadExactly(stream, json, "its JSON");
        ReadExactly(stream, header[..4], "its attachment count");
        var count = BinaryPrimitives.ReadInt32LittleEndian(header);
        if (count is < 0 or > 100_000) throw new InvalidDataException($"envelope attachment count {count} is outside 0..100000");
        var attachments = new byte[count][];
        for (var i = 0; i < count; i++)
        {
            ReadExactly(stream, header, $"attachment {i}'s length");
            var length = BinaryPrimitives.ReadInt64LittleEndian(header);
            if (length < 0 || length > Array.MaxLength) throw new InvalidDataException($"attachment {i} claims {length} bytes");
            attachments[i] = new byte[length];
            ReadExactly(stream, attachments[i], $"attachment {i}");
        }
        if (stream.CanSeek && stream.Position != stream.Length)
            throw new InvalidDataException($"envelope has {stream.Length - stream.Position} bytes after its last attachment");
        reading = attachments;
        try
        {
            return JsonSerializer.Deserialize(json, type, options) ?? throw new InvalidDataException($"envelope holds an empty {type.Name}");
        }
        catch (JsonException e) { throw new InvalidDataException($"envelope is not a readable {type.Name}: {e.Message}", e); }
        finally { reading = null; }
    }

    private static void ReadExactly(Stream stream, Span<byte> into, string what)
    {
        try { stream.ReadExactly(into); }
        catch (EndOfStreamException) { throw new InvalidDataException($"envelope ends before {what}"); }
    }

    /// <summary>The attachment a reference names, checked against what the envelope holds.</summary>
    internal static byte[] Attachment(int index) =>
        reading is { } list && index >= 0 && index < list.Count ? list[index]
            : throw new JsonException($"attachment {index} is not in the envelope ({reading?.Count ?? 0} attachments)");
}
