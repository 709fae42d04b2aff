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

    /// <summary>
    /// A survival model on held-out rows: Harrell's C-index and its pair counts (which add up across sites), the Cox
    /// partial likelihood per event over the rows as one risk set, C-index by subgroup, and the score histogram of the
    /// risk's sigmoid by event (coarsened like any histogram, so the round's figures keep one shape for every task).
    /// </summary>
    private static SiteEvaluation EvaluateSurvival(string siteId, nn.Module<Tensor, Tensor> model, TabularData data, float[] times, Device device)
    {
        float[] risk;
        double loss;
        using (no_grad())
        using (var scope = NewDisposeScope())
        {
            model.to(device).eval();
            var eta = model.forward(tensor(data.Features, [data.Rows, data.Width]).to(device)).cpu();
            risk = eta.data<float>().ToArray();
            loss = CoxLoss.Of(eta, tensor(times), tensor(data.Labels)).item<float>();
        }
        var counts = ConcordanceCounts.Of(risk, times, data.Labels);
        var probabilities = risk.Select(r => 1f / (1f + MathF.Exp(-r))).ToArray();
        return new SiteEvaluation
        {
            SiteId = siteId,
            Metrics = new ModelMetrics { Auc = counts.CIndex, Accuracy = double.NaN, Loss = loss, Samples = data.Rows },
            Histogram = BinaryMetrics.Histogram(probabilities, data.Labels),
            Subgroups = SubgroupScores.OfSurvival(risk, times, data.Labels, data.Groups),
            Concordance = new ConcordanceSums { Comparable = counts.Comparable, Concordant = counts.Concordant },
        };
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
        if (data.Times is { } times) return EvaluateSurvival(siteId, model, data, times, device);
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
