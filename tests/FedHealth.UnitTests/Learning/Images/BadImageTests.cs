using FedHealth.Learning.Data;
using FedHealth.Learning.Images;
using SkiaSharp;

namespace FedHealth.Tests.Learning.Images;

/// <summary>Every kind of bad input is refused with the file (and the CSV line or IDX record) named.</summary>
public sealed class BadImageTests : IDisposable
{
    private readonly TestImages images = new();

    public void Dispose() => images.Dispose();

    private string Folders(string extra = "") => images.Schema("\"folders\": \"train\"", "\"cat\", \"dog\"", 4, 4, 3, extra);

    private static DataException Refused(string schema) => Assert.Throws<DataException>(() => ImageDataset.Open(schema).Dispose());

    [Fact]
    public void A_file_that_is_not_an_image_is_refused_naming_it()
    {
        images.Solid("train/cat/good.png", 4, 4, SKColors.Gray);
        var bad = images.Text("train/dog/broken.png", "this is not a PNG file");

        var e = Refused(Folders());

        Assert.Contains(bad, e.Message);
        Assert.Contains("not a readable PNG or JPEG image", e.Message);
    }

    [Fact]
    public void A_truncated_image_whose_header_reads_is_refused_when_its_batch_decodes_naming_it()
    {
        images.Solid("train/cat/good.png", 4, 4, SKColors.Gray);
        var whole = images.Write("train/dog/cut.png", 64, 64, (x, y) => new SKColor((byte)(x * 37 ^ y * 11), (byte)(x * y), (byte)(y * 5)));
        var bytes = File.ReadAllBytes(whole);
        File.WriteAllBytes(whole, bytes[..(bytes.Length * 3 / 5)]);

        using var dataset = ImageDataset.Open(Folders());
        var e = Assert.Throws<DataException>(() => dataset.Batches(batchSize: 2, training: false).ToList());

        Assert.Contains(whole, e.Message);
        Assert.Contains("cannot be decoded", e.Message);
    }

    [Fact]
    public void An_image_of_another_size_is_refused_naming_it_when_resizing_is_off()
    {
        images.Solid("train/cat/good.png", 4, 4, SKColors.Gray);
        var wide = images.Solid("train/dog/wide.png", 5, 4, SKColors.Gray);

        var e = Refused(Folders(", \"resize\": false"));

        Assert.Contains($"{wide}: the image is 5×4, the schema's size is 4×4 and resize is false", e.Message);
        using var resized = ImageDataset.Open(Folders());
        Assert.Equal(2, resized.Entries.Count);
    }

    [Fact]
    public void A_header_claiming_a_huge_image_is_refused_before_any_decoding()
    {
        images.Solid("train/cat/good.png", 4, 4, SKColors.Gray);
        var bomb = images.CraftedPng("train/dog/bomb.png", 30000, 30000);

        var e = Refused(Folders());

        Assert.Contains($"{bomb}: the image is 30000×30000, over 67 million pixels: too large to decode", e.Message);
    }

    [Fact]
    public void A_folder_that_is_not_a_declared_class_is_refused_naming_it()
    {
        images.Solid("train/cat/good.png", 4, 4, SKColors.Gray);
        images.Solid("train/bird/one.png", 4, 4, SKColors.Gray);

        var e = Refused(Folders());

        Assert.Contains($"{Path.Combine(images.Folder, "train", "bird")}: folder label 'bird' is not one of the declared classes (cat, dog)", e.Message);
    }

    [Fact]
    public void A_csv_row_with_an_undeclared_label_or_a_missing_file_is_refused_naming_its_line()
    {
        images.Solid("scans/one.png", 4, 4, SKColors.Gray);
        var csv = images.Text("labels.csv", "path,label\nscans/one.png,cat\nscans/one.png,horse\nscans/gone.png,dog\n");

        var e = Refused(images.Schema("\"csv\": { \"file\": \"labels.csv\" }", "\"cat\", \"dog\"", 4, 4, 3));

        Assert.Contains($"{csv}: line 3 ({Path.Combine(images.Folder, "scans", "one.png")}): label 'horse' is not one of the declared classes", e.Message);
        Assert.Contains($"{csv}: line 4 ({Path.Combine(images.Folder, "scans", "gone.png")}): file not found", e.Message);
    }

    [Fact]
    public void An_idx_label_outside_the_classes_and_a_truncated_idx_file_are_refused_naming_the_file()
    {
        var labels = images.IdxLabels("labels.idx", [0, 7, 1]);
        var imagesFile = images.IdxImages("images.idx", 2, 2, [[1, 2, 3, 4], [5, 6, 7, 8], [9, 10, 11, 12]]);
        var schema = images.Schema("\"idx\": { \"images\": \"images.idx\", \"labels\": \"labels.idx\" }", "\"0\", \"1\"", 2, 2, 1);

        Assert.Contains($"{labels}: record 1: label '7' is not one of the declared classes (0, 1)", Refused(schema).Message);

        File.WriteAllBytes(imagesFile, File.ReadAllBytes(imagesFile)[..^3]);
        Assert.Contains($"{imagesFile}: the header promises 3 images of 2×2 (12 bytes), the file holds 9 bytes", Refused(schema).Message);
    }

    [Fact]
    public void Loading_names_the_first_five_problems_and_counts_the_rest()
    {
        images.Solid("train/cat/good.png", 4, 4, SKColors.Gray);
        for (var i = 0; i < 7; i++) images.Text($"train/dog/bad{i}.jpg", "not a JPEG");

        var e = Refused(Folders());

        Assert.Contains("has 7 unusable images or files, so none of it is used", e.Message);
        Assert.Contains("bad4.jpg", e.Message);
        Assert.DoesNotContain("bad5.jpg", e.Message);
        Assert.Contains("and 2 more", e.Message);
    }

    [Fact]
    public void A_schema_that_cannot_work_is_refused_naming_its_fields()
    {
        var schema = images.Schema("\"folders\": \"train\", \"idx\": { \"images\": \"a\", \"labels\": \"b\" }", "\"cat\"", 0, 4, 2,
            ", \"normalisation\": { \"mean\": [0.5], \"std\": [0] }");

        var e = Assert.Throws<DataException>(() => ImageSchemaFile.Load(schema));

        Assert.Contains("give exactly one image source, 2 are given", e.Message);
        Assert.Contains("classes: list the label values of at least 2 classes", e.Message);
        Assert.Contains("width: 0 must lie between 1 and 4096", e.Message);
        Assert.Contains("channels: 2 must be 1 (grey) or 3", e.Message);
        Assert.Contains("normalisation.std: must be finite positive numbers", e.Message);
    }
}
