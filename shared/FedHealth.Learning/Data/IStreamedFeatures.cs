namespace FedHealth.Learning.Data;

/// <summary>
/// Features read from disk a batch at a time rather than held in memory (a site's images): each row is an input of
/// <see cref="Shape"/> (an image's [channels, height, width]). Training asks for its rows batch by batch, so a site's
/// memory holds one batch's values, whatever the size of its data.
/// </summary>
public interface IStreamedFeatures
{
    /// <summary>One row's input shape; a row has their product values.</summary>
    int[] Shape { get; }
    /// <summary>How many rows the source holds (row i is the source's i-th image).</summary>
    int Count { get; }
    /// <summary>
    /// The values of <paramref name="rows"/> (indices into the source), in that order, row-major. A generator augments them as
    /// the source declares (training only); null reads them as they are.
    /// </summary>
    float[] Read(IReadOnlyList<int> rows, Random? augment);
}

/// <summary>Several sources of one shape read as one (the pooled baseline of an image benchmark): row i of the second follows the first's last.</summary>
public sealed class ConcatenatedFeatures(IReadOnlyList<IStreamedFeatures> parts) : IStreamedFeatures
{
    private readonly int[] starts = parts.Select((_, i) => parts.Take(i).Sum(p => p.Count)).ToArray();

    public int[] Shape { get; } = parts.Count > 0 && parts.All(p => p.Shape.SequenceEqual(parts[0].Shape)) ? parts[0].Shape
        : throw new ArgumentException("concatenated sources must be one or more of the same shape");

    public int Count { get; } = parts.Sum(p => p.Count);

    public float[] Read(IReadOnlyList<int> rows, Random? augment)
    {
        var width = Shape.Aggregate(1, (a, b) => a * b);
        var values = new float[rows.Count * width];
        // One read per part, in the rows' order within it (an augmenting generator is drawn from in part order).
        var byPart = rows.Select((row, at) => (Part: Array.FindLastIndex(starts, s => s <= row), Row: row, At: at)).GroupBy(r => r.Part);
        foreach (var part in byPart.OrderBy(g => g.Key))
        {
            var read = parts[part.Key].Read(part.Select(r => r.Row - starts[part.Key]).ToList(), augment);
            var i = 0;
            foreach (var r in part) Array.Copy(read, i++ * width, values, r.At * width, width);
        }
        return values;
    }
}
