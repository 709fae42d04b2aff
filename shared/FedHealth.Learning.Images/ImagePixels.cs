using FedHealth.Learning.Data;

namespace FedHealth.Learning.Images;

/// <summary>
/// One decoded image to the model's input, in the order torchvision applies it: resize to the schema's size, take its
/// channels (grey is ITU-R BT.601 luma, 0.299 R + 0.587 G + 0.114 B), augment (training only: random crop from the image
/// padded with black, then a horizontal flip of half the images), then (pixel / 255 − mean) / std per channel.
/// </summary>
public static class ImagePixels
{
    public static void Fill(RgbaImage image, ImageSchema schema, Random? augment, Span<float> destination, string where)
    {
        var (w, h, c) = (schema.Width, schema.Height, schema.Channels);
        if (image.Width != w || image.Height != h)
        {
            // The index checked sizes; a file replaced since then is refused the same way.
            if (ImageFileCheck.SizeProblem(image.Width, image.Height, schema) is { } problem) throw new DataException($"{where}: {problem}");
            image = SkiaDecoder.Resize(image, w, h);
        }
        var (dx, dy, flip) = (0, 0, false);
        var pad = schema.Augmentation?.CropPadding ?? 0;
        if (augment is not null && pad > 0) (dx, dy) = (augment.Next(2 * pad + 1) - pad, augment.Next(2 * pad + 1) - pad);
        if (augment is not null && schema.Augmentation?.HorizontalFlip == true) flip = augment.Next(2) == 1;
        var px = image.Pixels;
        for (var channel = 0; channel < c; channel++)
        {
            var mean = schema.Normalisation?.Mean[channel] ?? 0;
            var std = schema.Normalisation?.Std[channel] ?? 1;
            var plane = destination.Slice(channel * h * w, h * w);
            for (var y = 0; y < h; y++)
                for (var x = 0; x < w; x++)
                {
                    // The crop's output (x, y) reads the padded image at (x + dx, y + dy); a flip mirrors the crop.
                    var sx = (flip ? w - 1 - x : x) + dx;
                    var sy = y + dy;
                    var value = sx < 0 || sy < 0 || sx >= w || sy >= h ? 0.0 : Channel(px, (sy * w + sx) * 4, c, channel);
                    plane[y * w + x] = (float)((value / 255.0 - mean) / std);
                }
        }
    }

    /// <summary>Channel <paramref name="channel"/> of the RGBA pixel at <paramref name="at"/>, or its luma for one channel.</summary>
    public static double Channel(byte[] rgba, int at, int channels, int channel)
    {
        if (channels == 3) return rgba[at + channel];
        var (r, g, b) = (rgba[at], rgba[at + 1], rgba[at + 2]);
        // A grey pixel is its grey exactly (the weights' sum rounds), so grey sources such as IDX keep their bytes.
        return r == g && g == b ? r : 0.299 * r + 0.587 * g + 0.114 * b;
    }
}
