using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FedHealth.Learning.Torch.PerSample;

/// <summary>
/// The forward pass of a declared network, walked layer by layer so that every layer with parameters leaves a
/// <see cref="LayerTrace"/> (Opacus's hooks, without hooks: we own the forward pass). It computes what
/// <c>model.forward</c> computes, and keeps every intermediate for the backward pass (the caller's dispose scope frees them).
/// </summary>
internal static class TracedForward
{
    public static Tensor Run(nn.Module<Tensor, Tensor> module, Tensor input, List<LayerTrace> traces)
    {
        switch (module)
        {
            case DeclaredNetwork network:
                return Sequence(network.Layers, input, traces).squeeze(-1);
            case ResidualBlock block:
                return (block.Shortcut.Count == 0 ? input : Sequence(block.Shortcut, input, traces)) + Sequence(block.Layers, input, traces);
            case WithChannel channel:
                return Run(channel.Inner, input.unsqueeze(1), traces);
            case EmbeddedInput embedded:
                return embedded.Forward(input, (table, codes, vectors) => traces.Add(new EmbeddingTrace(table, codes, vectors)));
            case Linear linear:
                return Traced(linear, input, output => new LinearTrace(linear, input, output), traces);
            case Conv1d or Conv2d:
                return Traced(module, input, output => new ConvolutionTrace((Convolution)module, input, output), traces);
            case LayerNorm norm:
                return Traced(norm, input, output => new LayerNormTrace(norm, Normalised(norm, input), output), traces);
            default:
                if (Untraceable(module) is { } reason) throw new NotSupportedException(reason);
                return module.forward(input);
        }
    }

    /// <summary>Why the batched pass cannot give this model's per-sample gradients, naming the layer; null when it can.</summary>
    public static string? Untraceable(nn.Module module) => module switch
    {
        DeclaredNetwork network => network.Layers.Select(Untraceable).FirstOrDefault(r => r is not null),
        ResidualBlock block => block.Layers.Concat(block.Shortcut).Select(Untraceable).FirstOrDefault(r => r is not null),
        WithChannel channel => Untraceable(channel.Inner),
        EmbeddedInput or Linear or Conv1d or Conv2d or LayerNorm => null,
        BatchNorm1d or BatchNorm2d => $"{module.GetType().Name} mixes the rows of a batch: per-sample gradients are not defined through it",
        Convolution => $"{module.GetType().Name} has no per-sample gradient formula here",
        _ when module.parameters().Any() => $"{module.GetType().Name} has parameters and no per-sample gradient formula here",
        _ => null,
    };

    private static Tensor Sequence(IReadOnlyList<nn.Module<Tensor, Tensor>> layers, Tensor input, List<LayerTrace> traces) =>
        layers.Aggregate(input, (x, layer) => Run(layer, x, traces));

    private static Tensor Traced(nn.Module<Tensor, Tensor> layer, Tensor input, Func<Tensor, LayerTrace> trace, List<LayerTrace> traces)
    {
        var output = layer.forward(input);
        traces.Add(trace(output));
        return output;
    }

    /// <summary>x̂ of a layer norm's input, outside the graph: only the gradients' formula reads it.</summary>
    private static Tensor Normalised(LayerNorm norm, Tensor input)
    {
        using var _ = no_grad();
        return nn.functional.layer_norm(input, [input.shape[^1]], eps: norm.eps);
    }
}
