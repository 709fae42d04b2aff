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

    private static IEnumerable<(string Name, TorchSharp.Modules.Parameter Tensor)> Named(nn.Module module, ParameterLayout layout)
    {
        var named = module.named_parameters().ToList();
        if (named.Count != layout.Parameters.Count)
            throw new InvalidOperationException($"module has {named.Count} parameters, layout {layout.Parameters.Count}");
        for (var i = 0; i < named.Count; i++)
        {
            var expected = layout.Parameters[i];
            if (named[i].name != expected.Name || !named[i].parameter.shape.Select(d => (int)d).SequenceEqual(expected.Shape))
                throw new InvalidOperationException($"module parameter {i} is '{named[i].name}', layout expects '{expected.Name}'");
            yield return (named[i].name, named[i].parameter);
        }
    }
}
