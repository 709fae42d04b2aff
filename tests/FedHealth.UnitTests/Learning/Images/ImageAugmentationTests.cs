using FedHealth.Learning.Images;
using SkiaSharp;

namespace FedHealth.Tests.Learning.Images;

/// <summary>Training-time augmentation: the same seed gives the same batches, a flip mirrors, a crop shifts within its padding.</summary>
public sealed class ImageAugmentationTests : IDisposable
{
    private const int Side = 4;
    private readonly TestImages images = new();

    public void Dispose() => images.Dispose();

    // Every pixel a different grey, so a shifted or mirrored image can be told from the original.
    private static byte Grey(int x, int y) => (byte)(10 * (y * Side + x) + 5);

    private ImageDataset Open(string augmentation, int count = 1)
    {
        for (var i = 0; i < count; i++)
            images.Write($"train/{(i % 2 == 0 ? "a" : "b")}/{i}.png", Side, Side, (x, y) => new SKColor(Grey(x, y), Grey(x, y), Grey(x, y)));
        return ImageDataset.Open(images.Schema("\"folders\": \"train\"", "\"a\", \"b\"", Side, Side, 1, $", \"augmentation\": {augmentation}"));
    }

    private static float[] Pixels(ImageDataset dataset, int seed, bool training = true) =>
        dataset.Batches(batchSize: 100, training, seed).SelectMany(b => b.Pixels).ToArray();

    [Fact]
    public void The_same_seed_gives_the_same_shuffle_and_augmentation_and_another_seed_does_not()
    {
        using var dataset = Open("{ \"cropPadding\": 1, \"horizontalFlip\": true }", count: 12);

        Assert.Equal(Pixels(dataset, seed: 5), Pixels(dataset, seed: 5));
        Assert.NotEqual(Pixels(dataset, seed: 5), Pixels(dataset, seed: 6));
    }

    [Fact]
    public void A_flip_mirrors_each_row_for_about_half_the_draws_and_evaluation_never_flips()
    {
        using var dataset = Open("{ \"horizontalFlip\": true }");
        var original = Enumerable.Range(0, Side * Side).Select(i => (float)(Grey(i % Side, i / Side) / 255.0)).ToArray();
        var mirrored = Enumerable.Range(0, Side * Side).Select(i => (float)(Grey(Side - 1 - i % Side, i / Side) / 255.0)).ToArray();

        var draws = Enumerable.Range(0, 40).Select(seed => Pixels(dataset, seed)).ToList();

        Assert.All(draws, d => Assert.True(d.SequenceEqual(original) || d.SequenceEqual(mirrored)));
        Assert.InRange(draws.Count(d => d.SequenceEqual(mirrored)), 8, 32);
        Assert.Equal(original, Pixels(dataset, seed: 3, training: false));
    }

    [Fact]
    public void A_crop_with_padding_shifts_the_image_by_at_most_the_padding_and_fills_with_black()
    {
        using var dataset = Open("{ \"cropPadding\": 1 }");
        var shifts = new HashSet<(int, int)>();

        foreach (var seed in Enumerable.Range(0, 200))
        {
            var pixels = Pixels(dataset, seed);
            var shift = Shifts().Single(s => Enumerable.Range(0, Side * Side).All(i => pixels[i] == Shifted(i % Side, i / Side, s.Dx, s.Dy)));
            shifts.Add(shift);
        }

        Assert.Equal(9, shifts.Count);
    }

    private static IEnumerable<(int Dx, int Dy)> Shifts() =>
        from dx in Enumerable.Range(-1, 3) from dy in Enumerable.Range(-1, 3) select (dx, dy);

    private static float Shifted(int x, int y, int dx, int dy) =>
        x + dx is < 0 or >= Side || y + dy is < 0 or >= Side ? 0f : (float)(Grey(x + dx, y + dy) / 255.0);
}
