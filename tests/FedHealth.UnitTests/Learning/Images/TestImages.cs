using System.Buffers.Binary;
using System.IO.Compression;
using SkiaSharp;

namespace FedHealth.Tests.Learning.Images;

/// <summary>Small images written to a temp folder for the tests: PNG and JPEG through SkiaSharp's encoders, IDX by hand.</summary>
public sealed class TestImages : IDisposable
{
    public string Folder { get; } = Directory.CreateTempSubdirectory("fedhealth-images-").FullName;

    /// <summary>Writes an image whose pixel (x, y) is <paramref name="colour"/>(x, y); returns its full path.</summary>
    public string Write(string relative, int width, int height, Func<int, int, SKColor> colour, SKEncodedImageFormat format = SKEncodedImageFormat.Png)
    {
        var path = Path.Combine(Folder, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        using var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Opaque));
        for (var y = 0; y < height; y++)
            for (var x = 0; x < width; x++)
                bitmap.SetPixel(x, y, colour(x, y));
        using var data = bitmap.Encode(format, 95);
        File.WriteAllBytes(path, data.ToArray());
        return path;
    }

    public string Solid(string relative, int width, int height, SKColor colour, SKEncodedImageFormat format = SKEncodedImageFormat.Png) =>
        Write(relative, width, height, (_, _) => colour, format);

    /// <summary>A 1×1 PNG whose header (IHDR, with its checksum fixed) claims <paramref name="width"/> × <paramref name="height"/>.</summary>
    public string CraftedPng(string relative, int width, int height)
    {
        var path = Solid(relative, 1, 1, SKColors.Gray);
        var bytes = File.ReadAllBytes(path);
        // After the 8-byte signature: IHDR's length (4), type (4), width (4), height (4), 5 more bytes, then its CRC-32.
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(16), width);
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(20), height);
        BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(29), Crc32(bytes.AsSpan(12, 17)));
        File.WriteAllBytes(path, bytes);
        return path;
    }

    private static uint Crc32(ReadOnlySpan<byte> data)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in data)
        {
            crc ^= b;
            for (var k = 0; k < 8; k++) crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320u : crc >> 1;
        }
        return ~crc;
    }

    public string Text(string relative, string text)
    {
        var path = Path.Combine(Folder, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
        return path;
    }

    /// <summary>An IDX images file (magic 0x803) of grey records, gzip-compressed when the name ends in .gz.</summary>
    public string IdxImages(string relative, int rows, int columns, IReadOnlyList<byte[]> records) =>
        Idx(relative, [0x803, records.Count, rows, columns], records.SelectMany(r => r).ToArray());

    /// <summary>An IDX labels file (magic 0x801), gzip-compressed when the name ends in .gz.</summary>
    public string IdxLabels(string relative, IReadOnlyList<byte> labels) => Idx(relative, [0x801, labels.Count], labels.ToArray());

    private string Idx(string relative, int[] header, byte[] data)
    {
        var bytes = new byte[header.Length * 4 + data.Length];
        for (var i = 0; i < header.Length; i++) BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(4 * i), header[i]);
        data.CopyTo(bytes, header.Length * 4);
        var path = Path.Combine(Folder, relative);
        if (!path.EndsWith(".gz", StringComparison.Ordinal)) File.WriteAllBytes(path, bytes);
        else
        {
            using var file = File.Create(path);
            using var gzip = new GZipStream(file, CompressionLevel.Fastest);
            gzip.Write(bytes);
        }
        return path;
    }

    /// <summary>Writes an image schema beside the data; <paramref name="source"/> and <paramref name="extra"/> are JSON members.</summary>
    public string Schema(string source, string classes, int width, int height, int channels, string extra = "")
    {
        var json = $$"""{ "name": "test-images", {{source}}, "classes": [{{classes}}], """ +
            $$""" "width": {{width}}, "height": {{height}}, "channels": {{channels}}{{extra}} }""";
        return Text("schema.json", json);
    }

    public void Dispose() => Directory.Delete(Folder, recursive: true);
}
