using FedHealth.Learning.Data;

namespace FedHealth.Learning.Images;

/// <summary>Loads an <see cref="ImageSchema"/>, checks that it is coherent (naming the field at fault) and makes its paths absolute.</summary>
public static class ImageSchemaFile
{
    /// <summary>The largest side of a model input (and of an IDX record): 4096² RGBA bytes is 64 MiB.</summary>
    public const int MaxSide = 4096;

    public static ImageSchema Load(string path)
    {
        var schema = JsonFile.Read<ImageSchema>(path);
        var errors = Problems(schema).ToList();
        if (errors.Count > 0) throw new DataException($"{path}: {string.Join("; ", errors)}");
        var folder = Path.GetDirectoryName(Path.GetFullPath(path))!;
        string Full(string relative) => Path.GetFullPath(relative, folder);
        return new ImageSchema
        {
            Name = schema.Name,
            Folders = schema.Folders is null ? null : Full(schema.Folders),
            Csv = schema.Csv is not { } csv ? null : new ImageCsvSource { File = Full(csv.File), PathColumn = csv.PathColumn, LabelColumn = csv.LabelColumn },
            Idx = schema.Idx is not { } idx ? null : new IdxSource { Images = Full(idx.Images), Labels = Full(idx.Labels) },
            Classes = schema.Classes.Select(c => c.Trim()).ToList(),
            Width = schema.Width,
            Height = schema.Height,
            Channels = schema.Channels,
            Resize = schema.Resize,
            Normalisation = schema.Normalisation,
            Augmentation = schema.Augmentation,
        };
    }

    public static IEnumerable<string> Problems(ImageSchema s)
    {
        var sources = new object?[] { s.Folders, s.Csv, s.Idx }.Count(x => x is not null);
        if (sources != 1) yield return $"folders, csv and idx: give exactly one image source, {(sources == 0 ? "none is given" : $"{sources} are given")}";
        if (s.Classes.Count < 2) yield return $"classes: list the label values of at least 2 classes (got {s.Classes.Count})";
        if (s.Classes.GroupBy(c => c.Trim()).FirstOrDefault(g => g.Count() > 1) is { } twice) yield return $"classes: '{twice.Key}' is listed twice";
        if (s.Classes.Any(string.IsNullOrWhiteSpace)) yield return "classes: a class's label value is empty";
        if (s.Width is < 1 or > MaxSide) yield return $"width: {s.Width} must lie between 1 and {MaxSide}";
        if (s.Height is < 1 or > MaxSide) yield return $"height: {s.Height} must lie between 1 and {MaxSide}";
        if (s.Channels is not (1 or 3)) yield return $"channels: {s.Channels} must be 1 (grey) or 3 (red, green, blue)";
        if (s.Normalisation is { } n)
        {
            if (n.Mean.Count != s.Channels || n.Std.Count != s.Channels)
                yield return $"normalisation: mean and std need one value per channel ({s.Channels}), got {n.Mean.Count} and {n.Std.Count}";
            if (n.Mean.Any(m => !double.IsFinite(m))) yield return "normalisation.mean: must be finite numbers";
            if (n.Std.Any(d => !(d > 0) || !double.IsFinite(d))) yield return "normalisation.std: must be finite positive numbers";
        }
        if (s.Augmentation is { } a && (a.CropPadding < 0 || a.CropPadding > Math.Min(s.Width, s.Height)))
            yield return $"augmentation.cropPadding: {a.CropPadding} must lie between 0 (no crop) and the smaller side ({Math.Min(s.Width, s.Height)})";
        if (s.Csv is { } csv && (string.IsNullOrWhiteSpace(csv.PathColumn) || string.IsNullOrWhiteSpace(csv.LabelColumn) || csv.PathColumn == csv.LabelColumn))
            yield return "csv.pathColumn and csv.labelColumn: name two different columns";
    }
}
