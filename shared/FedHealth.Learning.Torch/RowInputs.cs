using FedHealth.Learning.Data;
using static TorchSharp.torch;

namespace FedHealth.Learning.Torch;

/// <summary>
/// The model inputs of a training or scoring pass, as tensors on the device. Rows in memory (tabular data) go to the
/// device once and are indexed per batch, as training always did; streamed rows (images) are read from disk a batch at
/// a time, so a site holds one batch's pixels whatever the size of its data.
/// </summary>
public sealed class RowInputs : IDisposable
{
    /// <summary>Rows scored per forward pass when they are streamed: bounds a site's memory while it evaluates.</summary>
    public const int ScoringBatch = 256;

    private readonly TabularData data;
    private readonly Device device;
    private readonly Tensor? all;

    public RowInputs(TabularData data, Device device)
    {
        (this.data, this.device) = (data, device);
        all = data.Streamed is null ? tensor(data.Features, [data.Rows, .. data.InputShape.Select(n => (long)n)]).to(device) : null;
    }

    /// <summary>The inputs of <paramref name="rows"/> ([count, ...input shape]); streamed rows augmented by <paramref name="augment"/> when given.</summary>
    public Tensor Rows(IReadOnlyList<int> rows, Random? augment = null)
    {
        if (all is not null)
        {
            using var index = tensor(rows.Select(r => (long)r).ToArray(), device: device);
            return all.index_select(0, index);
        }
        long[] shape = [rows.Count, .. data.InputShape];
        return tensor(data.ReadFeatures(rows, augment), shape).to(device);
    }

    /// <summary>
    /// The model's outputs on every row, in row order (call under no_grad and a dispose scope): one forward pass over rows
    /// in memory, or one per <see cref="ScoringBatch"/> streamed rows, joined.
    /// </summary>
    public static Tensor Forward(nn.Module<Tensor, Tensor> model, TabularData data, Device device)
    {
        using var inputs = new RowInputs(data, device);
        if (inputs.all is not null) return model.forward(inputs.all);
        var parts = new List<Tensor>();
        for (var start = 0; start < data.Rows; start += ScoringBatch)
        {
            var rows = Enumerable.Range(start, Math.Min(ScoringBatch, data.Rows - start)).ToList();
            using var x = inputs.Rows(rows);
            parts.Add(model.forward(x));
        }
        return parts.Count == 1 ? parts[0] : cat(parts, 0);
    }

    public void Dispose() => all?.Dispose();
}
