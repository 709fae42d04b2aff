using FedHealth.SiteAgent;
using FedHealth.SiteAgent.Doctor;
using FedHealth.Tests.Learning.Images;
using SkiaSharp;

namespace FedHealth.Tests.Sites;

/// <summary>`site doctor` on an image source: every bad file listed, the images per class, and one decoded.</summary>
public sealed class ImageSourceCheckTests : IDisposable
{
    private readonly TestImages images = new();

    public void Dispose() => images.Dispose();

    [Fact]
    public void Doctor_counts_each_class_and_describes_a_decoded_sample()
    {
        images.Solid("train/cat/1.png", 6, 5, SKColors.White);
        images.Solid("train/cat/2.jpg", 6, 5, SKColors.White, SKEncodedImageFormat.Jpeg);
        images.Solid("train/dog/3.png", 6, 5, SKColors.Black);
        images.Text("train/dog/notes.txt", "scanned 2026-11-02");
        var schema = images.Schema("\"folders\": \"train\"", "\"cat\", \"dog\", \"fox\"", 3, 3, 1);

        var result = ImageSourceCheck.Run(schema);

        Assert.Equal(CheckStatus.Pass, result.Status);
        Assert.Contains("3 usable images (by class: 2 'cat', 1 'dog', 0 'fox'); 1 files passed over", result.Detail);
        Assert.Contains("1.png decoded: 6×5 on disk, model input 1×3×3 (channels × height × width), values in [1, 1]", result.Detail);
    }

    [Fact]
    public void Doctor_lists_every_bad_file_where_loading_names_five()
    {
        images.Solid("train/cat/good.png", 4, 4, SKColors.Gray);
        var bad = Enumerable.Range(0, 8).Select(i => images.Text($"train/dog/bad{i}.png", "not an image")).ToList();
        var wrongSize = images.Solid("train/dog/wide.png", 8, 4, SKColors.Gray);
        var schema = images.Schema("\"folders\": \"train\"", "\"cat\", \"dog\"", 4, 4, 3, ", \"resize\": false");

        var result = ImageSourceCheck.Run(schema);

        Assert.Equal(CheckStatus.Fail, result.Status);
        Assert.Contains("1 usable images (by class: 1 'cat', 0 'dog'); 9 bad files or rows", result.Detail);
        Assert.All(bad, file => Assert.Contains($"bad: {file}: not a readable PNG or JPEG image", result.Detail));
        Assert.Contains($"bad: {wrongSize}: the image is 8×4", result.Detail);
        Assert.NotNull(result.Fix);
    }

    [Fact]
    public void A_site_config_names_its_image_schema_relative_to_itself()
    {
        var config = images.Text("sites/de-gbsg.json",
            """{ "site": { "id": "DE-GBSG", "jurisdiction": "DE" }, "data": { "images": "../scans/images.json" } }""");

        var read = SiteConfigFile.Read(config).Data;
        Assert.Equal(Path.Combine(images.Folder, "scans", "images.json"), read.Images);
        Assert.True(read.IsImageSite);
        Assert.Null(read.Schema);
    }

    [Theory]
    [InlineData("\"csv\": \"d.csv\", \"schema\": \"s.json\", \"images\": \"i.json\"")]
    [InlineData("\"schema\": \"s.json\", \"images\": \"i.json\"")]
    public void An_image_site_has_one_source_and_a_mixed_config_is_refused_naming_it(string data)
    {
        var config = images.Text("sites/mixed.json", $$"""{ "site": { "id": "DE-GBSG", "jurisdiction": "DE" }, "data": { {{data}} } }""");

        var e = Assert.Throws<FedHealth.Learning.Data.DataException>(() => SiteConfigFile.Read(config));
        Assert.Contains("data.images: an image site's data is its image schema alone", e.Message);
    }

    [Fact]
    public void A_tabular_site_without_a_schema_is_refused_naming_it()
    {
        var config = images.Text("sites/noschema.json", """{ "site": { "id": "DE-GBSG", "jurisdiction": "DE" }, "data": { "csv": "d.csv" } }""");

        var e = Assert.Throws<FedHealth.Learning.Data.DataException>(() => SiteConfigFile.Read(config));
        Assert.Contains("data.schema: the schema file the rows are read through is missing", e.Message);
    }

    [Fact]
    public void Doctor_names_a_schema_that_does_not_load()
    {
        var result = ImageSourceCheck.Run(Path.Combine(images.Folder, "missing.json"));

        Assert.Equal(CheckStatus.Fail, result.Status);
        Assert.Contains("missing.json: file not found", result.Detail);
    }
}
