using FedHealth.Cli.Images;
using FedHealth.Learning.Images;

namespace FedHealth.Tests.Learning.Images;

/// <summary>Simulated image hospitals cut from one image set: Dirichlet label skew, a darker site, and files a site reads.</summary>
public sealed class ImagePartitionTests : IDisposable
{
    private readonly TestImages images = new();

    public void Dispose() => images.Dispose();

    [Fact]
    public void Dirichlet_deals_every_row_once_and_a_small_alpha_skews_the_sites_labels_more()
    {
        var labels = Enumerable.Range(0, 5000).Select(i => i % 10).ToList();

        double Skew(double alpha)
        {
            var parts = DirichletPartition.Split(labels, sites: 10, alpha, seed: 3);
            Assert.Equal(Enumerable.Range(0, labels.Count), parts.SelectMany(p => p).Order());
            Assert.All(parts, p => Assert.True(p.Length >= 10));
            Assert.Equal(parts.Select(p => p.ToList()), DirichletPartition.Split(labels, 10, alpha, seed: 3).Select(p => p.ToList()));
            // The mean over sites of the share of a site's rows in its most common class: 0.1 for an even split.
            return parts.Average(p => p.GroupBy(i => labels[i]).Max(g => g.Count()) / (double)p.Length);
        }

        var skewed = Skew(0.1);
        var even = Skew(100);
        Assert.InRange(even, 0.1, 0.2);
        Assert.True(skewed > 0.5, $"α 0.1 gave a most-common-class share of {skewed:F2}");
    }

    [Fact]
    public void A_partition_writes_each_sites_images_as_idx_with_the_darker_site_darker()
    {
        var records = Enumerable.Range(0, 200).Select(i => Enumerable.Repeat((byte)(100 + i % 50), 16).ToArray()).ToList();
        var labels = Enumerable.Range(0, 200).Select(i => (byte)(i % 4)).ToList();
        var spec = new PartitionSpec
        {
            Source = new IdxSource { Images = images.IdxImages("src.idx.gz", 4, 4, records), Labels = images.IdxLabels("src-labels.idx.gz", labels) },
            Sites = ["A", "B", "C"], Alpha = 0.5, Seed = 2, Darker = new DarkerSite { Site = "C", Factor = 0.5 },
            Schema = new ImageSchema { Name = "tiny", Classes = ["0", "1", "2", "3"], Width = 4, Height = 4, Channels = 1 },
        };
        var data = Directory.CreateDirectory(Path.Combine(images.Folder, "data")).FullName;

        var counts = ImagePartition.Write(spec, data);

        Assert.Equal(200, counts.Values.Sum());
        foreach (var site in spec.Sites)
        {
            using var dataset = ImageDataset.Open(Path.Combine(data, $"{site}.images.json"));
            Assert.Equal(counts[site], dataset.Entries.Count);
            Assert.Equal("tiny", dataset.Schema.Name);
            var pixels = dataset.Read(Enumerable.Range(0, dataset.Count).ToList(), augment: null);
            // Source pixels are 100..149 (÷255): the darker site's are halved.
            var (low, high) = site == "C" ? (50 / 255f, 75 / 255f) : (100 / 255f, 149 / 255f);
            Assert.All(pixels, p => Assert.InRange(p, low - 1e-6f, high + 1e-6f));
        }
        // The same spec gives the same bytes.
        var again = Directory.CreateDirectory(Path.Combine(images.Folder, "again")).FullName;
        ImagePartition.Write(spec, again);
        Assert.Equal(File.ReadAllBytes(Path.Combine(data, "B.images.idx")), File.ReadAllBytes(Path.Combine(again, "B.images.idx")));
    }

    [Fact]
    public void A_darker_site_that_is_not_a_site_is_refused_naming_it()
    {
        var spec = new PartitionSpec
        {
            Source = new IdxSource { Images = "x", Labels = "y" }, Sites = ["A"], Darker = new DarkerSite { Site = "Z" },
            Schema = new ImageSchema { Name = "tiny", Classes = ["0", "1"], Width = 4, Height = 4, Channels = 1 },
        };
        var e = Assert.Throws<FedHealth.Learning.Data.DataException>(() => ImagePartition.Write(spec, images.Folder));
        Assert.Equal("partition: darker.site must be one of the sites and darker.factor in (0, 1], got Z × 0.5", e.Message);
    }
}
