using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using FedHealth.Learning.Data;
using FedHealth.Learning.Images;

namespace FedHealth.Cli.Images;

/// <summary>
/// How a shipped image federation's sites are cut from a public image set (the federation folder's partition.json):
/// the source IDX files, the sites in order, Dirichlet label skew α over classes, the seed, optionally at most
/// <see cref="ImagesPerSite"/> images a site on average (a random subset of the source, for quick runs), and a site whose
/// images are darker (its pixel values scaled by <see cref="DarkerSite.Factor"/>, as a scanner that images darker would).
/// <see cref="Schema"/> is every site's image schema, without its source (each site's IDX files are filled in).
/// </summary>
public sealed record PartitionSpec
{
    public required IdxSource Source { get; init; }
    public required IReadOnlyList<string> Sites { get; init; }
    public double Alpha { get; init; } = 0.5;
    public int Seed { get; init; } = 1;
    public int? ImagesPerSite { get; init; }
    public DarkerSite? Darker { get; init; }
    public required ImageSchema Schema { get; init; }
}

public sealed class DarkerSite
{
    public required string Site { get; init; }
    public double Factor { get; init; } = 0.5;
}

/// <summary>
/// Writes a federation's site data from its partition.json into its data/ folder: per site an IDX images and labels file
/// and an image schema naming them. Deterministic (the same spec and source give the same bytes), and skipped when the
/// data/ folder already holds what this spec and source make (a stamp of both is kept beside the files).
/// </summary>
public static class ImagePartition
{
    public const string SpecFile = "partition.json";

    /// <summary>Makes the data when the federation is partitioned and its data is missing or stale; says so on <paramref name="log"/>.</summary>
    public static void EnsureData(string federationDir, TextWriter log)
    {
        var specPath = Path.Combine(federationDir, SpecFile);
        if (!File.Exists(specPath)) return;
        var spec = JsonFile.Read<PartitionSpec>(specPath);
        var source = new IdxSource
        {
            Images = Path.GetFullPath(spec.Source.Images, federationDir), Labels = Path.GetFullPath(spec.Source.Labels, federationDir),
        };
        var data = Directory.CreateDirectory(Path.Combine(federationDir, "data")).FullName;
        var stamp = Stamp(specPath, source);
        var stampFile = Path.Combine(data, "partition.stamp");
        if (File.Exists(stampFile) && File.ReadAllText(stampFile) == stamp) return;
        log.WriteLine($"Cutting the sites' images from {source.Images} as {specPath} says (once; kept in {data})");
        Write(spec with { Source = source }, data);
        File.WriteAllText(stampFile, stamp);
    }

    /// <summary>Per site: SITE.images.idx, SITE.labels.idx and SITE.images.json in <paramref name="data"/>; returns each site's image count.</summary>
    public static IReadOnlyDictionary<string, int> Write(PartitionSpec spec, string data)
    {
        if (spec.Sites.Count == 0 || spec.Sites.Distinct().Count() != spec.Sites.Count)
            throw new DataException("partition: sites must list one or more distinct site ids");
        if (spec.Darker is { } dark && (!spec.Sites.Contains(dark.Site) || !(dark.Factor is > 0 and <= 1)))
            throw new DataException($"partition: darker.site must be one of the sites and darker.factor in (0, 1], got {dark.Site} × {dark.Factor}");
        var header = IdxFiles.ReadImagesHeader(spec.Source.Images, checkLength: true);
        var labels = IdxFiles.ReadLabels(spec.Source.Labels);
        if (labels.Length != header.Count) throw new DataException($"{spec.Source.Labels}: {labels.Length} labels for {header.Count} images");
        var pixels = new byte[header.Count * header.RecordBytes];
        using (var stream = IdxFiles.Open(spec.Source.Images))
        {
            stream.ReadExactly(new byte[IdxFiles.ImagesHeaderBytes]);
            stream.ReadExactly(pixels);
        }
        var random = new Random(spec.Seed);
        var pool = Enumerable.Range(0, header.Count).ToArray();
        if (spec.ImagesPerSite is { } perSite)
        {
            random.Shuffle(pool);
            pool = pool[..Math.Min(pool.Length, perSite * spec.Sites.Count)];
        }
        var parts = DirichletPartition.Split(pool.Select(i => (int)labels[i]).ToList(), spec.Sites.Count, spec.Alpha, spec.Seed);
        var counts = new Dictionary<string, int>();
        for (var s = 0; s < spec.Sites.Count; s++)
        {
            var site = spec.Sites[s];
            var rows = parts[s].Select(i => pool[i]).ToArray();
            var factor = spec.Darker?.Site == site ? spec.Darker.Factor : 1.0;
            WriteIdx(Path.Combine(data, $"{site}.images.idx"), Path.Combine(data, $"{site}.labels.idx"), rows, pixels, labels, header, factor);
            WriteSchema(Path.Combine(data, $"{site}.images.json"), spec.Schema, site);
            counts[site] = rows.Length;
        }
        return counts;
    }

    private static void WriteIdx(string imagesPath, string labelsPath, int[] rows, byte[] pixels, byte[] labels, IdxFiles.ImagesHeader header,
        double factor)
    {
        var size = (int)header.RecordBytes;
        using (var images = new BinaryWriter(File.Create(imagesPath)))
        {
            foreach (var n in new[] { IdxFiles.ImagesMagic, rows.Length, header.Rows, header.Columns }) images.Write(BigEndian(n));
            var record = new byte[size];
            foreach (var row in rows)
            {
                pixels.AsSpan(row * size, size).CopyTo(record);
                if (factor != 1) for (var i = 0; i < size; i++) record[i] = (byte)Math.Round(record[i] * factor);
                images.Write(record);
            }
        }
        using var labelFile = new BinaryWriter(File.Create(labelsPath));
        foreach (var n in new[] { IdxFiles.LabelsMagic, rows.Length }) labelFile.Write(BigEndian(n));
        foreach (var row in rows) labelFile.Write(labels[row]);
    }

    private static byte[] BigEndian(int value)
    {
        var bytes = new byte[4];
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(bytes, value);
        return bytes;
    }

    private static void WriteSchema(string path, ImageSchema template, string site)
    {
        var schema = new ImageSchema
        {
            Name = template.Name, Classes = template.Classes, Width = template.Width, Height = template.Height, Channels = template.Channels,
            Resize = template.Resize, Normalisation = template.Normalisation, Augmentation = template.Augmentation,
            Idx = new IdxSource { Images = $"{site}.images.idx", Labels = $"{site}.labels.idx" },
        };
        File.WriteAllText(path, JsonSerializer.Serialize(schema, Written));
    }

    private static readonly JsonSerializerOptions Written = new(JsonFile.Strict)
    {
        WriteIndented = true, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    /// <summary>What the data was made from: the spec's bytes and the source files' sizes and times (a changed source makes it again).</summary>
    private static string Stamp(string specPath, IdxSource source)
    {
        var text = new StringBuilder(File.ReadAllText(specPath));
        foreach (var file in new[] { source.Images, source.Labels })
        {
            var info = new FileInfo(file);
            if (!info.Exists) throw new DataException($"{file}: file not found (the image set the partition is cut from; infra/datasets has its installer)");
            text.Append($"\n{file} {info.Length} {info.LastWriteTimeUtc:O}");
        }
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())));
    }
}
