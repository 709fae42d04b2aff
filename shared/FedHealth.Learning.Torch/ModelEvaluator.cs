using TorchSharp;
using FedHealth.Contracts;
using FedHealth.Learning.Data;
using FedHealth.Learning.Metrics;
using static TorchSharp.torch;

namespace FedHealth.Learning.Torch;

/// <summary>Scores held-out rows with a model and summarises them as metrics and an aggregate score histogram.</summary>
public static class ModelEvaluator
{
    public static float[] Predict(nn.Module<Tensor, Tensor> model, TabularData data, Device device)
    {
        using var _ = no_grad();
        using var scope = NewDisposeScope();
        model.to(device).eval();
        var x = tensor(data.Features, [data.Rows, data.Width]).to(device);
        return sigmoid(model.forward(x)).cpu().data<float>().ToArray();
    }

    /// <summary>Harrell's concordance of the model's risk scores with a survival label's times, as counts (no row leaves).</summary>
    public static ConcordanceCounts Concordance(nn.Module<Tensor, Tensor> model, TabularData data, Device device)
    {
        if (data.Times is null) throw new ArgumentException("concordance needs a survival label (times and events)");
        using var _ = no_grad();
        using var scope = NewDisposeScope();
        model.to(device).eval();
        var risk = model.forward(tensor(data.Features, [data.Rows, data.Width]).to(device)).cpu().data<float>().ToArray();
        return ConcordanceCounts.Of(risk, data.Times, data.Labels);
    }

    public static SiteEvaluation Evaluate(string siteId, nn.Module<Tensor, Tensor> model, TabularData data, Device device)
    {
        var probabilities = Predict(model, data, device);
        return new SiteEvaluation
        {
            SiteId = siteId,
            Metrics = BinaryMetrics.Compute(probabilities, data.Labels),
            Histogram = BinaryMetrics.Histogram(probabilities, data.Labels),
            Subgroups = SubgroupScores.Of(probabilities, data.Labels, data.Groups),
        };
    }
}
