namespace FedHealth.Learning.Images;

/// <summary>
/// A source indexed without decoding pixels: every usable image (file or IDX record, and its class) and every
/// problem found (missing or unreadable file, a header that is not an image, a size refused, a label outside the
/// classes), plus the files passed over because they are not images by name (.png, .jpg, .jpeg).
/// </summary>
public sealed record ImageScan(IReadOnlyList<ImageEntry> Entries, IReadOnlyList<ImageProblem> Problems, int IgnoredFiles = 0)
{
    /// <summary>The usable images of each class, by class index.</summary>
    public int[] CountsByClass(int classes)
    {
        var counts = new int[classes];
        foreach (var e in Entries) counts[e.Label]++;
        return counts;
    }

    /// <summary>Scans the source <paramref name="schema"/> declares (paths already absolute, as <see cref="ImageSchemaFile.Load"/> gives them).</summary>
    public static ImageScan Of(ImageSchema schema) =>
        schema.Folders is { } root ? FolderSource.Scan(root, schema)
        : schema.Csv is { } csv ? CsvImageSource.Scan(csv, schema)
        : IdxFiles.Scan(schema.Idx!, schema);
}
