using FedHealth.Learning.Images;
using SkiaSharp;

namespace FedHealth.Tests.Learning.Images;

/// <summary>Each kind of image source gives the right labels and pixels, checked against values computed here by hand.</summary>
public sealed class ImageSourceTests : IDisposable
{
    private readonly TestImages images = new();

    public void Dispose() => images.Dispose();

    private static ImageBatch All(ImageDataset dataset) => Assert.Single(dataset.Batches(batchSize: 100, training: false));

    [Fact]
    public void A_folder_per_class_labels_each_image_by_its_folder_and_normalises_each_channel()
    {
        images.Solid("train/cat/a.png", 4, 4, new SKColor(255, 0, 0));
        images.Solid("train/dog/b.png", 4, 4, new SKColor(0, 128, 255));
        var schema = images.Schema("\"folders\": \"train\"", "\"cat\", \"dog\"", 4, 4, 3,
            ", \"resize\": false, \"normalisation\": { \"mean\": [0.5, 0.5, 0.5], \"std\": [0.25, 0.25, 0.25] }");

        using var dataset = ImageDataset.Open(schema);
        var batch = All(dataset);

        Assert.Equal(new long[] { 0, 1 }, batch.Labels);
        Assert.Equal(new long[] { 2, 3, 4, 4 }, batch.Shape);
        Assert.Equal((1 - 0.5) / 0.25, batch[0, 0, 3, 2], 5);
        Assert.Equal((0 - 0.5) / 0.25, batch[0, 1, 0, 0], 5);
        Assert.Equal((128 / 255.0 - 0.5) / 0.25, batch[1, 1, 2, 1], 5);
        Assert.Equal((1 - 0.5) / 0.25, batch[1, 2, 1, 3], 5);
    }

    [Fact]
    public void Resizing_keeps_each_quadrants_colour_and_one_channel_is_the_luma()
    {
        // Bilinear sampling at each output pixel's centre reads only the quadrant it lies in, so the values are exact.
        SKColor[] quadrants = [new(200, 100, 50), new(10, 20, 30), new(255, 255, 255), new(0, 90, 0)];
        images.Write("train/a/big.png", 8, 8, (x, y) => quadrants[(y / 4) * 2 + x / 4]);
        images.Solid("train/b/other.png", 8, 8, SKColors.Black);
        var schema = images.Schema("\"folders\": \"train\"", "\"a\", \"b\"", 2, 2, 1);

        using var dataset = ImageDataset.Open(schema);
        var batch = All(dataset);

        for (var q = 0; q < 4; q++)
        {
            var c = quadrants[q];
            var luma = (0.299 * c.Red + 0.587 * c.Green + 0.114 * c.Blue) / 255;
            Assert.Equal(luma, batch[0, 0, q / 2, q % 2], 2);
        }
    }

    [Fact]
    public void A_csv_names_images_relative_to_itself_and_keeps_other_columns_out()
    {
        images.Solid("scans/one.png", 3, 3, new SKColor(30, 60, 90));
        images.Solid("scans/two.jpg", 3, 3, new SKColor(250, 250, 250), SKEncodedImageFormat.Jpeg);
        images.Text("labels.csv", "path,label,age\nscans/one.png,malignant,61\nscans/two.jpg,benign,47\n");
        var schema = images.Schema("\"csv\": { \"file\": \"labels.csv\" }", "\"benign\", \"malignant\"", 3, 3, 3, ", \"resize\": false");

        using var dataset = ImageDataset.Open(schema);
        var batch = All(dataset);

        Assert.Equal(new long[] { 1, 0 }, batch.Labels);
        Assert.Equal(90 / 255.0, batch[0, 2, 1, 1], 5);
        // JPEG is lossy: a flat colour comes back within a few levels.
        Assert.InRange(batch[1, 0, 2, 2], 246 / 255f, 254 / 255f);
    }

    [Theory]
    [InlineData("images.idx", "labels.idx")]
    [InlineData("images.idx.gz", "labels.idx.gz")]
    public void Idx_files_raw_or_gzip_give_each_record_and_its_label(string imagesFile, string labelsFile)
    {
        byte[][] records = [[0, 10, 20, 30, 40, 50], [255, 1, 2, 3, 4, 5], [9, 8, 7, 6, 5, 4]];
        images.IdxImages(imagesFile, rows: 2, columns: 3, records);
        images.IdxLabels(labelsFile, [0, 9, 3]);
        var classes = string.Join(", ", Enumerable.Range(0, 10).Select(i => $"\"{i}\""));
        var schema = images.Schema($"\"idx\": {{ \"images\": \"{imagesFile}\", \"labels\": \"{labelsFile}\" }}", classes, 3, 2, 1, ", \"resize\": false");

        using var dataset = ImageDataset.Open(schema);
        var batch = All(dataset);

        Assert.Equal(new long[] { 0, 9, 3 }, batch.Labels);
        Assert.Equal(new long[] { 3, 1, 2, 3 }, batch.Shape);
        for (var r = 0; r < 3; r++)
            for (var y = 0; y < 2; y++)
                for (var x = 0; x < 3; x++)
                    Assert.Equal(records[r][y * 3 + x] / 255.0, batch[r, 0, y, x], 5);
    }

    [Fact]
    public void Batches_are_decoded_one_at_a_time_as_they_are_asked_for()
    {
        for (var i = 0; i < 10; i++) images.Solid($"train/{(i % 2 == 0 ? "a" : "b")}/{i}.png", 2, 2, new SKColor((byte)(i * 20), 0, 0));
        var schema = images.Schema("\"folders\": \"train\"", "\"a\", \"b\"", 2, 2, 1);
        using var dataset = ImageDataset.Open(schema);
        Assert.Equal(0, dataset.Decoded);

        using var batches = dataset.Batches(batchSize: 3, training: true, seed: 7).GetEnumerator();
        var decodedAfterEach = new List<long>();
        while (batches.MoveNext()) decodedAfterEach.Add(dataset.Decoded);

        Assert.Equal(new long[] { 3, 6, 9, 10 }, decodedAfterEach);
        Assert.Equal(3L * 1 * 2 * 2 * sizeof(float), dataset.BatchBytes(3));
    }
}
