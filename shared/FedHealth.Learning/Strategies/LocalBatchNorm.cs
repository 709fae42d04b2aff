using FedHealth.Contracts;
using FedHealth.Learning.Models;

namespace FedHealth.Learning.Strategies;

/// <summary>
/// FedBN (Li et al., "FedBN: Federated Learning on Non-IID Features via Local Batch Normalization", ICLR 2021): each
/// batch-norm layer's running statistics (and, with "all", its scale and shift) stay at the site that learnt them. A
/// site trains from the global model with its own kept values in place, keeps what it trained, and sends the global
/// model's values for those entries: they never leave it, and the average (secure or plain) leaves them as they were.
/// A batch-norm layer is found in the layout by its running statistics (buffers named "running_mean"/"running_var").
/// </summary>
public static class LocalBatchNorm
{
    public const string Statistics = "statistics";
    public const string All = "all";
    public static readonly IReadOnlyList<string> Modes = [Statistics, All];

    /// <summary>The (offset, count) spans of the flat parameters that stay local under <paramref name="mode"/>, in layout order.</summary>
    public static IReadOnlyList<(int Offset, int Count)> Spans(ParameterLayout layout, string mode)
    {
        if (!Modes.Contains(mode)) throw new ArgumentException($"localBatchNorm '{mode}' is not one of {string.Join(", ", Modes)}");
        var layers = layout.Parameters.Where(p => p.Buffer && p.Name.EndsWith(".running_mean", StringComparison.Ordinal))
            .Select(p => p.Name[..^".running_mean".Length]).ToHashSet(StringComparer.Ordinal);
        string[] kept = mode == All ? ["running_mean", "running_var", "weight", "bias"] : ["running_mean", "running_var"];
        var spans = new List<(int, int)>();
        var offset = 0;
        foreach (var p in layout.Parameters)
        {
            var dot = p.Name.LastIndexOf('.');
            if (dot > 0 && layers.Contains(p.Name[..dot]) && kept.Contains(p.Name[(dot + 1)..])) spans.Add((offset, p.Count));
            offset += p.Count;
        }
        return spans;
    }

    /// <summary>The values of the local spans, in order (what a site keeps after training).</summary>
    public static float[] Take(float[] values, IReadOnlyList<(int Offset, int Count)> spans)
    {
        var kept = new float[spans.Sum(s => s.Count)];
        var at = 0;
        foreach (var (offset, count) in spans)
        {
            Array.Copy(values, offset, kept, at, count);
            at += count;
        }
        return kept;
    }

    /// <summary>Writes <paramref name="kept"/> (from <see cref="Take"/>) back into the local spans of <paramref name="values"/>.</summary>
    public static void Put(float[] values, float[] kept, IReadOnlyList<(int Offset, int Count)> spans)
    {
        if (kept.Length != spans.Sum(s => s.Count)) throw new ArgumentException($"{kept.Length} kept values for spans of {spans.Sum(s => s.Count)}");
        var at = 0;
        foreach (var (offset, count) in spans)
        {
            Array.Copy(kept, at, values, offset, count);
            at += count;
        }
    }

    /// <summary>What is wrong with a job's localBatchNorm, naming the field; nothing when it is unset or fits the model.</summary>
    public static IEnumerable<string> Problems(JobSpec spec, ParameterLayout? layout)
    {
        if (spec.Strategy?.LocalBatchNorm is not { } mode) yield break;
        if (!Modes.Contains(mode))
        {
            yield return $"strategy.localBatchNorm: '{mode}' is not one of {string.Join(", ", Modes)} (leave it out to average every parameter)";
            yield break;
        }
        if (layout is not null && Spans(layout, mode).Count == 0)
            yield return "strategy.localBatchNorm: the model has no batchnorm1d or batchnorm2d layer, so there is nothing to keep at the sites";
    }
}
