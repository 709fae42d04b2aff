using System.Runtime.InteropServices;
using FedHealth.Learning.Data;
using SkiaSharp;

namespace FedHealth.Learning.Images;

/// <summary>
/// PNG and JPEG through SkiaSharp (Skia's own decoders, kept patched upstream): a header read that costs no pixel
/// decoding (for indexing every file), a full decode to RGBA, and a bilinear resize. Every failure names the file.
/// </summary>
public static class SkiaDecoder
{
    private static readonly SKSamplingOptions Bilinear = new(SKFilterMode.Linear, SKMipmapMode.None);

    /// <summary>The image's size from its header, or what is wrong with the file (missing, unreadable, not a PNG or JPEG).</summary>
    public static (int Width, int Height)? ReadSize(string file, out string? problem)
    {
        problem = null;
        if (!File.Exists(file)) { problem = "file not found"; return null; }
        try
        {
            using var codec = Open(file, out problem);
            return codec is null ? null : (codec.Info.Width, codec.Info.Height);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            problem = $"cannot be read ({e.Message})";
            return null;
        }
    }

    /// <summary>Decodes the whole image to RGBA; a truncated or corrupt file is refused, naming it (or <paramref name="where"/>: a CSV's line).</summary>
    public static RgbaImage Decode(string file, string? where = null)
    {
        where ??= file;
        if (!File.Exists(file)) throw new DataException($"{where}: file not found");
        using var codec = Open(file, out var problem) ?? throw new DataException($"{where}: {problem}");
        if ((long)codec.Info.Width * codec.Info.Height > ImageFileCheck.MaxPixels)
            throw new DataException($"{where}: the image is {codec.Info.Width}×{codec.Info.Height}, too large to decode");
        var info = new SKImageInfo(codec.Info.Width, codec.Info.Height, SKColorType.Rgba8888, SKAlphaType.Unpremul);
        var pixels = new byte[info.BytesSize];
        var handle = GCHandle.Alloc(pixels, GCHandleType.Pinned);
        try
        {
            var result = codec.GetPixels(info, handle.AddrOfPinnedObject());
            if (result != SKCodecResult.Success)
                throw new DataException($"{where}: the image data cannot be decoded ({Describe(result)})");
        }
        finally { handle.Free(); }
        return new RgbaImage(info.Width, info.Height, pixels);
    }

    /// <summary>The image brought to <paramref name="width"/> × <paramref name="height"/> by bilinear sampling.</summary>
    public static RgbaImage Resize(RgbaImage image, int width, int height)
    {
        var from = new SKImageInfo(image.Width, image.Height, SKColorType.Rgba8888, SKAlphaType.Unpremul);
        using var source = new SKBitmap(from);
        Marshal.Copy(image.Pixels, 0, source.GetPixels(), image.Pixels.Length);
        using var resized = source.Resize(from.WithSize(width, height), Bilinear)
            ?? throw new InvalidOperationException($"SkiaSharp could not resize {image.Width}×{image.Height} to {width}×{height}");
        return new RgbaImage(width, height, resized.GetPixelSpan().ToArray());
    }

    private static SKCodec? Open(string file, out string? problem)
    {
        // Probe the file opens for this user first: Skia's own file stream would only say "invalid input".
        using (File.OpenRead(file)) { }
        // Skia reads from the file itself, only as far as it needs: the header alone when indexing.
        var codec = SKCodec.Create(file, out var result);
        problem = codec is null ? $"not a readable PNG or JPEG image ({Describe(result)})" : null;
        return codec;
    }

    private static string Describe(SKCodecResult result) => result switch
    {
        SKCodecResult.IncompleteInput => "the file is truncated",
        SKCodecResult.ErrorInInput => "the image data is corrupt",
        SKCodecResult.Unimplemented => "a format or variant the decoder does not support",
        SKCodecResult.InvalidInput => "not an image the decoder recognises",
        _ => $"decoder result {result}",
    };
}
