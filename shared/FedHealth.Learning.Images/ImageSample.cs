using FedHealth.Learning.Data;

namespace FedHealth.Learning.Images;

/// <summary>One image of a source decoded on its own, as `site doctor` shows it: its size on disk, and the model input it gives.</summary>
public sealed record ImageSample(ImageEntry Entry, RgbaImage Image, float[] Input)
{
    public static ImageSample Decode(ImageSchema schema, ImageEntry entry)
    {
        var image = schema.Idx is { } idx ? ReadIdxRecord(idx, entry) : SkiaDecoder.Decode(entry.File, entry.Where);
        var input = new float[schema.Channels * schema.Height * schema.Width];
        ImagePixels.Fill(image, schema, augment: null, input, entry.Where);
        return new ImageSample(entry, image, input);
    }

    // Streams to the record rather than unpacking a whole gzip file for one image.
    private static RgbaImage ReadIdxRecord(IdxSource idx, ImageEntry entry)
    {
        var header = IdxFiles.ReadImagesHeader(idx.Images, checkLength: false);
        using var stream = IdxFiles.Open(idx.Images);
        var skip = new byte[entry.Offset];
        var grey = new byte[header.RecordBytes];
        if (stream.ReadAtLeast(skip, skip.Length, throwOnEndOfStream: false) != skip.Length
            || stream.ReadAtLeast(grey, grey.Length, throwOnEndOfStream: false) != grey.Length)
            throw new DataException($"{entry.Where}: the file ends inside the record");
        return RgbaImage.FromGrey(header.Columns, header.Rows, grey);
    }
}
