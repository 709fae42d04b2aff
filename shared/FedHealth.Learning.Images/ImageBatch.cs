namespace FedHealth.Learning.Images;

/// <summary>
/// One batch ready for a tensor: <see cref="Pixels"/> laid out [count, channels, height, width] (row-major, what
/// <c>torch.tensor(pixels, Shape)</c> takes), normalised; <see cref="Labels"/> the class index of each image.
/// </summary>
public sealed record ImageBatch(float[] Pixels, long[] Labels, int Channels, int Height, int Width)
{
    public int Count => Labels.Length;
    public long[] Shape => [Count, Channels, Height, Width];

    /// <summary>The value of one pixel of one channel of image <paramref name="image"/> of the batch.</summary>
    public float this[int image, int channel, int y, int x] => Pixels[((image * Channels + channel) * Height + y) * Width + x];
}
