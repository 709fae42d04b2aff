using FedHealth.Learning.Models;
using static TorchSharp.torch;

namespace FedHealth.Learning.Torch;

/// <summary>Moves a module's parameters to and from the flat vector federated averaging works on.</summary>
public static class ModelParameters
{
    public static FlatParameters Read(nn.Module module, ParameterLayout layout)
    {
        var values = new float[layout.TotalCount];
        var offset = 0;
        foreach (var (name, p) in Named(module, layout))
        {
            var data = p.detach().cpu().data<float>().ToArray();
            data.CopyTo(values, offset);
            offset += data.Length;
        }
        return new FlatParameters(layout, values);
    }

    public static void Write(nn.Module module, FlatParameters parameters)
    {
        using var _ = no_grad();
        var offset = 0;
        foreach (var (name, p) in Named(module, parameters.Layout))
        {
            var count = (int)p.numel();
            using var source = tensor(parameters.Values.AsSpan(offset, count).ToArray(), p.shape).to(p.device);
            p.copy_(source);
            offset += count;
        }
    }

    /// <summary>
    /// The module's tensors in the layout's order, found by name: its parameters, and the buffers the layout moves too (a
    /// batch norm's running mean and variance; never a step counter).
    /// </summary>
    private static IEnumerable<(string Name, Tensor Tensor)> Named(nn.Module module, ParameterLayout layout)
    {
        var parameters = module.named_parameters().ToDictionary(p => p.name, p => (Tensor)p.parameter);
        var buffers = module.named_buffers().ToDictionary(b => b.name, b => b.buffer);
        var trained = layout.Parameters.Count(p => !p.Buffer);
        if (parameters.Count != trained)
            throw new InvalidOperationException($"module has {parameters.Count} parameters, layout {trained}");
        foreach (var expected in layout.Parameters)
        {
            var found = (expected.Buffer ? buffers : parameters).TryGetValue(expected.Name, out var tensor);
            if (!found || !tensor!.shape.Select(d => (int)d).SequenceEqual(expected.Shape))
                throw new InvalidOperationException($"module has no {(expected.Buffer ? "buffer" : "parameter")} '{expected.Name}' of shape " +
                    $"[{string.Join(", ", expected.Shape)}] (it has: {string.Join(", ", parameters.Keys.Concat(buffers.Keys))})");
            yield return (expected.Name, tensor);
        }
    }
}
