using FedHealth.Learning.Data;

namespace FedHealth.Learning.Images;

/// <summary>
/// A site's image source, larger than memory: an index of every image (file or IDX record, and class), refused whole
/// at open when any image is unusable, and batches decoded from disk one at a time. Memory per batch is the batch's
/// floats (count × channels × height × width × 4 bytes) plus the one image being decoded (its RGBA bytes, and a resized
/// copy when resizing); the index holds a path, an offset and a label per image.
/// </summary>
public sealed class ImageDataset : IStreamedFeatures, IDisposable
{
    /// <summary>How many problems the refusal names; `site doctor` lists every one.</summary>
    public const int ProblemsNamed = 5;

    private readonly IdxRecords? idx;

    public ImageSchema Schema { get; }
    public IReadOnlyList<ImageEntry> Entries { get; }
    /// <summary>Images decoded so far (a PNG or JPEG decoded, or an IDX record read): what streaming keeps to one batch at a time.</summary>
    public long Decoded { get; private set; }

    private ImageDataset(ImageSchema schema, IReadOnlyList<ImageEntry> entries)
    {
        Schema = schema;
        Entries = entries;
        idx = schema.Idx is { } files ? new IdxRecords(files) : null;
    }

    /// <summary>Loads the schema file and indexes its source; refuses it, naming the first problems, when any image is unusable.</summary>
    public static ImageDataset Open(string schemaPath)
    {
        var schema = ImageSchemaFile.Load(schemaPath);
        var scan = ImageScan.Of(schema);
        if (scan.Problems.Count > 0)
        {
            var plural = scan.Problems.Count > 1 ? "s" : "";
            throw new DataException($"{schemaPath}: image source '{schema.Name}' has {scan.Problems.Count} unusable image{plural} " +
                "or files, so none of it is used (training never drops data silently): " +
                string.Join("; ", scan.Problems.Take(ProblemsNamed)) +
                (scan.Problems.Count > ProblemsNamed ? $"; and {scan.Problems.Count - ProblemsNamed} more" : "") + " (`site doctor` lists them all)");
        }
        if (scan.Entries.Count == 0) throw new DataException($"{schemaPath}: image source '{schema.Name}' holds no image");
        return new ImageDataset(schema, scan.Entries);
    }

    public int[] Shape => [Schema.Channels, Schema.Height, Schema.Width];
    public int Count => Entries.Count;

    /// <summary>The images' one feature where a tabular schema lists its features (see <see cref="ImageInput"/>).</summary>
    public string FeatureName => ImageInput.FeatureName(Shape);

    /// <summary>A label of two classes trains as binary (class 1 the positive), of three or more as multiclass.</summary>
    public LabelTask LabelTask => Schema.Classes.Count == 2 ? LabelTask.Binary : new LabelTask(FedHealth.Contracts.ModelTasks.Multiclass, Schema.Classes.Count);

    /// <summary>Every image as training rows: the labels in memory, the pixels read from disk a batch at a time.</summary>
    public TabularData Rows() =>
        new([FeatureName], this, Enumerable.Range(0, Entries.Count).ToArray(), Entries.Select(e => (float)e.Label).ToArray(), LabelTask);

    public float[] Read(IReadOnlyList<int> rows, Random? augment)
    {
        var size = Schema.Channels * Schema.Height * Schema.Width;
        var pixels = new float[rows.Count * size];
        for (var i = 0; i < rows.Count; i++)
        {
            var entry = Entries[rows[i]];
            ImagePixels.Fill(Read(entry), Schema, augment, pixels.AsSpan(i * size, size), entry.Where);
        }
        return pixels;
    }

    /// <summary>Bytes of one batch's pixels: count × channels × height × width floats.</summary>
    public long BatchBytes(int batchSize) => (long)batchSize * Schema.Channels * Schema.Height * Schema.Width * sizeof(float);

    /// <summary>
    /// The images (all, or those of <paramref name="rows"/>) in batches of <paramref name="batchSize"/>, each decoded
    /// only when its batch is asked for. Training shuffles them and augments with a generator seeded by
    /// <paramref name="seed"/> (the same seed, the same batches); otherwise they come in index order as they are.
    /// </summary>
    public IEnumerable<ImageBatch> Batches(int batchSize, bool training, int seed = 0, IReadOnlyList<int>? rows = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        var order = (rows ?? Enumerable.Range(0, Entries.Count).ToList()).ToArray();
        var random = training ? new Random(seed) : null;
        random?.Shuffle(order);
        var (c, h, w) = (Schema.Channels, Schema.Height, Schema.Width);
        for (var start = 0; start < order.Length; start += batchSize)
        {
            var batch = order[start..Math.Min(start + batchSize, order.Length)];
            yield return new ImageBatch(Read(batch, random), batch.Select(r => (long)Entries[r].Label).ToArray(), c, h, w);
        }
    }

    private RgbaImage Read(ImageEntry entry)
    {
        Decoded++;
        return idx is not null ? idx.Read(entry) : SkiaDecoder.Decode(entry.File, entry.Where);
    }

    public void Dispose() => idx?.Dispose();
}
