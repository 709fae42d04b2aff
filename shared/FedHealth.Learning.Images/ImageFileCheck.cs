namespace FedHealth.Learning.Images;

/// <summary>What indexing asks of every PNG or JPEG file: that it is there, opens as an image, and has the size the schema needs.</summary>
public static class ImageFileCheck
{
    public static readonly string[] Extensions = [".png", ".jpg", ".jpeg"];

    public static bool IsImage(string file) => Extensions.Contains(Path.GetExtension(file).ToLowerInvariant());

    /// <summary>What is wrong with the file for <paramref name="schema"/>, or null when it can be used.</summary>
    public static string? Problem(string file, ImageSchema schema)
    {
        if (!IsImage(file)) return $"not a PNG or JPEG file by its name (expected {string.Join(", ", Extensions)})";
        var size = SkiaDecoder.ReadSize(file, out var problem);
        if (size is not { } s) return problem;
        if ((long)s.Width * s.Height > MaxPixels)
            return $"the image is {s.Width}×{s.Height}, over {MaxPixels / 1_000_000} million pixels: too large to decode " +
                "(a crafted file, or a scan to downsize first)";
        return SizeProblem(s.Width, s.Height, schema);
    }

    /// <summary>
    /// Larger images are refused from their header, before any decoding: a small file can claim a huge size (a
    /// decompression bomb), and one decoded image must stay small beside a batch (8192² RGBA bytes is 256 MiB).
    /// </summary>
    public const long MaxPixels = 8192L * 8192;

    /// <summary>An image of another size than the schema's is refused when resizing is off.</summary>
    public static string? SizeProblem(int width, int height, ImageSchema schema) =>
        schema.Resize || (width == schema.Width && height == schema.Height) ? null
            : $"the image is {width}×{height}, the schema's size is {schema.Width}×{schema.Height} and resize is false";

    /// <summary>The class index of a label value, or the problem naming the declared classes.</summary>
    public static int ClassOf(string label, ImageSchema schema, out string? problem)
    {
        var index = schema.Classes.ToList().IndexOf(label.Trim());
        problem = index >= 0 ? null : $"label '{label.Trim()}' is not one of the declared classes ({string.Join(", ", schema.Classes)})";
        return index;
    }
}
