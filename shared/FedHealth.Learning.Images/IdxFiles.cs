using System.Buffers.Binary;
using System.IO.Compression;
using FedHealth.Learning.Data;

namespace FedHealth.Learning.Images;

/// <summary>
/// Reads IDX files (big-endian header: magic, then one 32-bit size per dimension, then the data), raw or gzip-compressed
/// (told by the gzip magic bytes, whatever the name). Images: magic 0x00000803 (unsigned bytes, 3 dimensions); labels:
/// magic 0x00000801 (unsigned bytes, 1 dimension).
/// </summary>
public static class IdxFiles
{
    public const int ImagesMagic = 0x00000803;
    public const int LabelsMagic = 0x00000801;
    public const int ImagesHeaderBytes = 16;

    /// <summary>The images file's header: how many images, and each one's rows (height) and columns (width).</summary>
    public sealed record ImagesHeader(int Count, int Rows, int Columns)
    {
        public long RecordBytes => (long)Rows * Columns;
        public long Offset(int record) => ImagesHeaderBytes + record * RecordBytes;
    }

    public static ImageScan Scan(IdxSource idx, ImageSchema schema)
    {
        ImagesHeader header;
        byte[] labels;
        try
        {
            header = ReadImagesHeader(idx.Images, checkLength: true);
            labels = ReadLabels(idx.Labels);
        }
        catch (DataException e) { return new ImageScan([], [new ImageProblem(Source(e, idx), e.Message[(Source(e, idx).Length + 2)..])]); }
        if (labels.Length != header.Count)
            return new ImageScan([], [new ImageProblem(idx.Labels, $"{labels.Length} labels for the {header.Count} images of {idx.Images}")]);
        if (ImageFileCheck.SizeProblem(header.Columns, header.Rows, schema) is { } size)
            return new ImageScan([], [new ImageProblem(idx.Images, $"every {size[4..]}")]);
        var entries = new List<ImageEntry>(labels.Length);
        var problems = new List<ImageProblem>();
        for (var i = 0; i < labels.Length; i++)
        {
            var label = ImageFileCheck.ClassOf(labels[i].ToString(System.Globalization.CultureInfo.InvariantCulture), schema, out var notAClass);
            if (notAClass is not null) problems.Add(new ImageProblem($"{idx.Labels}: record {i}", notAClass));
            else entries.Add(new ImageEntry(idx.Images, header.Offset(i), label, $"{idx.Images}: record {i}"));
        }
        return new ImageScan(entries, problems);
    }

    /// <summary>The images file's header; with <paramref name="checkLength"/>, also that the data holds every image it promises.</summary>
    public static ImagesHeader ReadImagesHeader(string path, bool checkLength)
    {
        using var stream = Open(path);
        var dims = ReadHeader(stream, path, ImagesMagic, "images");
        var header = new ImagesHeader(dims[0], dims[1], dims[2]);
        if (header.Rows < 1 || header.Columns < 1 || header.Rows > ImageSchemaFile.MaxSide || header.Columns > ImageSchemaFile.MaxSide)
            throw new DataException($"{path}: images of {header.Rows}×{header.Columns} pixels are outside 1 to {ImageSchemaFile.MaxSide} a side");
        if (!checkLength) return header;
        var expected = header.Count * header.RecordBytes;
        var actual = CountRemaining(stream);
        if (actual != expected)
            throw new DataException($"{path}: the header promises {header.Count} images of {header.Rows}×{header.Columns} ({expected} bytes), " +
                $"the file holds {actual} bytes of image data ({(actual < expected ? "truncated" : "trailing data")})");
        return header;
    }

    /// <summary>Every label byte (one per image): small beside the images, and what the index is built from.</summary>
    public static byte[] ReadLabels(string path)
    {
        using var stream = Open(path);
        var count = ReadHeader(stream, path, LabelsMagic, "labels")[0];
        var labels = new byte[count];
        int read;
        bool more;
        try
        {
            read = stream.ReadAtLeast(labels, count, throwOnEndOfStream: false);
            more = stream.ReadByte() >= 0;
        }
        catch (InvalidDataException e) { throw new DataException($"{path}: not a readable gzip file ({e.Message})"); }
        if (read != count || more)
            throw new DataException($"{path}: the header promises {count} labels, the file holds {(read != count ? read.ToString() : "more")}");
        return labels;
    }

    /// <summary>
    /// A file that can be read at any offset: the file itself when raw, else its content unpacked once into
    /// <paramref name="scratchFolder"/> (a gzip stream cannot seek, and batches come in shuffled order).
    /// </summary>
    public static string Seekable(string path, string scratchFolder)
    {
        if (!IsGzip(path)) return path;
        Directory.CreateDirectory(scratchFolder);
        var unpacked = Path.Combine(scratchFolder, Path.GetFileNameWithoutExtension(path) + ".raw");
        using var from = Open(path);
        using var to = File.Create(unpacked);
        from.CopyTo(to);
        return unpacked;
    }

    public static Stream Open(string path)
    {
        if (!File.Exists(path)) throw new DataException($"{path}: file not found");
        var file = File.OpenRead(path);
        var gzip = IsGzip(file);
        file.Position = 0;
        return gzip ? new GZipStream(file, CompressionMode.Decompress) : file;
    }

    private static int[] ReadHeader(Stream stream, string path, int magic, string what)
    {
        var word = new byte[4];
        int Next() => stream.ReadAtLeast(word, 4, throwOnEndOfStream: false) == 4 ? BinaryPrimitives.ReadInt32BigEndian(word)
            : throw new DataException($"{path}: the file ends inside its IDX header");
        try
        {
            var found = Next();
            if (found != magic)
                throw new DataException($"{path}: magic 0x{found:x8} is not 0x{magic:x8} (an IDX file of unsigned-byte {what})");
            var dims = Enumerable.Range(0, magic & 0xff).Select(_ => Next()).ToArray();
            return dims.Any(d => d < 0) ? throw new DataException($"{path}: a negative size in the IDX header") : dims;
        }
        catch (InvalidDataException e) { throw new DataException($"{path}: not a readable gzip file ({e.Message})"); }
    }

    private static long CountRemaining(Stream stream)
    {
        if (stream is FileStream file) return file.Length - file.Position;
        var buffer = new byte[1 << 16];
        long total = 0;
        try
        {
            for (int n; (n = stream.Read(buffer)) > 0;) total += n;
        }
        catch (InvalidDataException) { }
        return total;
    }

    public static bool IsGzip(string path)
    {
        using var file = File.OpenRead(path);
        return IsGzip(file);
    }

    private static bool IsGzip(Stream file) => file.ReadByte() == 0x1f && file.ReadByte() == 0x8b;

    private static string Source(DataException e, IdxSource idx) => e.Message.StartsWith(idx.Labels + ":", StringComparison.Ordinal) ? idx.Labels : idx.Images;
}
