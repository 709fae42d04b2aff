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
        return sigmoid(RowInputs.Forward(model, data, device)).cpu().data<float>().ToArray();
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
            var eta = RowInputs.Forward(model, data, device).cpu();
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
        var risk = RowInputs.Forward(model, data, device).cpu().data<float>().ToArray();
        return ConcordanceCounts.Of(risk, data.Times, data.Labels);
    }

    /// <summary>The model's raw outputs on the rows, row-major: one per row, or one per class per row for multiclass.</summary>
    public static float[] Outputs(nn.Module<Tensor, Tensor> model, TabularData data, Device device)
    {
        using var _ = no_grad();
        using var scope = NewDisposeScope();
        model.to(device).eval();
        return RowInputs.Forward(model, data, device).cpu().data<float>().ToArray();
    }

    /// <summary>
    /// A multiclass model on held-out rows: accuracy, cross-entropy, balanced accuracy, one-vs-rest AUCs and the confusion
    /// matrix with its small off-diagonal cells suppressed, each class's one-vs-rest histogram (coarsened), accuracy by subgroup.
    /// </summary>
    private static SiteEvaluation EvaluateMulticlass(string siteId, nn.Module<Tensor, Tensor> model, TabularData data, Device device)
    {
        var classes = data.LabelTask.Classes;
        float[] probabilities;
        using (no_grad())
        using (var scope = NewDisposeScope())
        {
            model.to(device).eval();
            probabilities = nn.functional.softmax(RowInputs.Forward(model, data, device), 1).cpu().data<float>().ToArray();
        }
        var (metrics, histograms) = MulticlassMetrics.Evaluate(probabilities, data.Labels, classes);
        var predicted = Enumerable.Range(0, data.Rows)
            .Select(i => Enumerable.Range(0, classes).MaxBy(c => probabilities[i * classes + c])).ToArray();
        return new SiteEvaluation
        {
            SiteId = siteId, Metrics = metrics, ClassHistograms = histograms,
            Subgroups = SubgroupScores.OfMulticlass(predicted, data.Labels, data.Groups),
        };
    }

    /// <summary>
    /// A regression model on held-out rows: RMSE, MAE and R² in the label's units with the moments they come from, the loss
    /// as trained (the mean squared error of the standardised label), RMSE by subgroup.
    /// </summary>
    private static SiteEvaluation EvaluateRegression(string siteId, nn.Module<Tensor, Tensor> model, TabularData data, Device device)
    {
        var outputs = Outputs(model, data, device);
        var predicted = outputs.Select(o => data.LabelTask.Unscaled(o)).ToArray();
        var actual = data.Labels.Select(l => data.LabelTask.Unscaled(l)).ToArray();
        var loss = data.Rows == 0 ? double.NaN : outputs.Zip(data.Labels, (o, l) => ((double)o - l) * ((double)o - l)).Average();
        return new SiteEvaluation
        {
            SiteId = siteId,
            Metrics = new ModelMetrics
            {
                Auc = double.NaN, Accuracy = double.NaN, Loss = loss, Samples = data.Rows,
                Regression = RegressionMetrics.Figures(RegressionMetrics.Moments(predicted, actual)),
            },
            Subgroups = SubgroupScores.OfRegression(predicted, actual, data.Groups),
        };
    }

    public static SiteEvaluation Evaluate(string siteId, nn.Module<Tensor, Tensor> model, TabularData data, Device device)
    {
        if (data.Times is { } times) return EvaluateSurvival(siteId, model, data, times, device);
        if (data.LabelTask.Task == ModelTasks.Multiclass) return EvaluateMulticlass(siteId, model, data, device);
        if (data.LabelTask.Task == ModelTasks.Regression) return EvaluateRegression(siteId, model, data, device);
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
