namespace FedHealth.Learning.Images;

/// <summary>One decoded image as red, green, blue, alpha bytes per pixel, row by row: the one image a reader holds at a time.</summary>
public sealed record RgbaImage(int Width, int Height, byte[] Pixels)
{
    /// <summary>A grey image (an IDX record) as RGBA, each grey repeated in red, green and blue.</summary>
    public static RgbaImage FromGrey(int width, int height, ReadOnlySpan<byte> grey)
    {
        var pixels = new byte[width * height * 4];
        for (var i = 0; i < grey.Length; i++)
        {
            pixels[4 * i] = pixels[4 * i + 1] = pixels[4 * i + 2] = grey[i];
            pixels[4 * i + 3] = 255;
        }
        return new RgbaImage(width, height, pixels);
    }
}
