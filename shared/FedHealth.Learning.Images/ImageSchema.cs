namespace FedHealth.Learning.Images;

/// <summary>
/// How a site's images become the consortium's model inputs: where they are (exactly one of <see cref="Folders"/>,
/// <see cref="Csv"/> or <see cref="Idx"/>, paths relative to this file), which label values are the classes (class i is
/// the model's output i), the size and channels every image is brought to, its normalisation, and the augmentation
/// applied while training. Declared in JSON beside the data, like a tabular <c>DataSchema</c>.
/// </summary>
public sealed class ImageSchema
{
    /// <summary>The consortium schema this maps to (a job names it); sites of one federation share it.</summary>
    public required string Name { get; init; }
    /// <summary>A folder holding one sub-folder per class, named by the class's label value, of PNG or JPEG files.</summary>
    public string? Folders { get; init; }
    public ImageCsvSource? Csv { get; init; }
    public IdxSource? Idx { get; init; }
    /// <summary>The label values, one per class, in the order of the model's outputs; any other label is refused.</summary>
    public required IReadOnlyList<string> Classes { get; init; }
    public required int Width { get; init; }
    public required int Height { get; init; }
    /// <summary>1 (grey, from colour by ITU-R BT.601 luma) or 3 (red, green, blue; a grey image repeats its grey).</summary>
    public required int Channels { get; init; }
    /// <summary>True resizes (bilinear) an image of another size; false refuses it, naming the file.</summary>
    public bool Resize { get; init; } = true;
    /// <summary>Per channel, (pixel / 255 − mean) / std; without it, pixels are pixel / 255 in [0, 1].</summary>
    public ImageNormalisation? Normalisation { get; init; }
    /// <summary>Applied to training batches only, never to evaluation.</summary>
    public ImageAugmentation? Augmentation { get; init; }
}

/// <summary>A CSV file of one image per row: the image's path (relative to the CSV) and its label; other columns are kept out.</summary>
public sealed class ImageCsvSource
{
    public required string File { get; init; }
    public string PathColumn { get; init; } = "path";
    public string LabelColumn { get; init; } = "label";
}

/// <summary>
/// The IDX format as MNIST and Fashion-MNIST ship it: an images file (magic 0x00000803, unsigned bytes, count × rows ×
/// columns) and a labels file (magic 0x00000801, one unsigned byte each), raw or gzip-compressed (.gz). A label's value
/// is its byte written in decimal ("0" to "255").
/// </summary>
public sealed class IdxSource
{
    public required string Images { get; init; }
    public required string Labels { get; init; }
}

/// <summary>Per-channel mean and standard deviation of pixel / 255, agreed by the consortium (one value per channel).</summary>
public sealed class ImageNormalisation
{
    public required IReadOnlyList<double> Mean { get; init; }
    public required IReadOnlyList<double> Std { get; init; }
}

/// <summary>
/// Training-time augmentation: a random crop of the target size from the image padded with <see cref="CropPadding"/>
/// black pixels on each side (0 turns it off), and a horizontal flip of half the images.
/// </summary>
public sealed class ImageAugmentation
{
    public int CropPadding { get; init; }
    public bool HorizontalFlip { get; init; }
}
