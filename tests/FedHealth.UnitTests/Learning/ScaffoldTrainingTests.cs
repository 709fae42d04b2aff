using FedHealth.Contracts;
using FedHealth.Learning.Data;
using FedHealth.Learning.Models;
using FedHealth.Learning.Strategies;
using FedHealth.Learning.Torch;
using FedHealth.SiteAgent;
using FedHealth.Tests.Support;
using static TorchSharp.torch;

namespace FedHealth.Tests.Learning;

/// <summary>SCAFFOLD at the site: local steps corrected by c − cᵢ, and the control step cᵢ⁺ = cᵢ − c + (x − y)/(Kη).</summary>
[Collection(TorchCollection.Name)]
public sealed class ScaffoldTrainingTests
{
    // One feature x ∈ {1, 2, −1, 0} with labels {1, 0, 1, 1}. At w = b = 0 every σ is ½, so the mean BCE gradient is
    // ∂w = mean((½ − y)·x) = (−½ + 1 + ½ + 0)/4 = 0.25 and ∂b = mean(½ − y) = (−½ + ½ − ½ − ½)/4 = −0.25.
    private static readonly TabularData Tiny = new(["x"], [1, 2, -1, 0], [1, 0, 1, 1]);
    private static readonly ModelSpec OneFeature = new() { Kind = "logistic", Features = 1 };

    private static (float[] Trained, LocalTrainingResult Result) Train(TabularData data, ModelSpec spec, float[] start, TrainingPlan plan, float[]? correction)
    {
        var layout = ParameterLayout.For(spec);
        using var model = TorchModels.Create(spec);
        ModelParameters.Write(model, new FlatParameters(layout, start));
        using var control = correction is null ? null : ControlVariates.For(model, correction, CPU);
        var result = LocalTrainer.Train(model, data, plan, seed: 1, CPU, control: control);
        return (ModelParameters.Read(model, layout).Values, result);
    }

    [Fact]
    public void One_full_batch_step_uses_the_corrected_gradient_and_leaves_the_site_control_at_the_gradient_computed_by_hand()
    {
        float[] c = [0.1f, 0.2f], ci = [0.05f, -0.1f];
        var plan = new TrainingPlan { LocalEpochs = 1, BatchSize = 4, LearningRate = 0.5 };
        var (y, result) = Train(Tiny, OneFeature, [0, 0], plan, ScaffoldControl.Correction(c, ci));
        Assert.Equal(1, result.Steps);
        // y = x − η(g − cᵢ + c) = −0.5·([0.25, −0.25] − [0.05, −0.1] + [0.1, 0.2]) = −0.5·[0.3, 0.05].
        Assert.Equal(-0.15, y[0], 6);
        Assert.Equal(-0.025, y[1], 6);
        // cᵢ⁺ = cᵢ − c + (x − y)/(Kη) = [0.05 − 0.1 + 0.3, −0.1 − 0.2 + 0.05]: the full-batch gradient at x; Δcᵢ = cᵢ⁺ − cᵢ.
        var (next, delta) = ScaffoldControl.SiteUpdate(ci, c, [0, 0], y, result.Steps, plan.LearningRate);
        Assert.Equal(0.25, next[0], 6);
        Assert.Equal(-0.25, next[1], 6);
        Assert.Equal(0.2, delta[0], 6);
        Assert.Equal(-0.15, delta[1], 6);
    }

    [Fact]
    public void After_K_steps_the_site_keeps_its_new_control_and_sends_the_difference()
    {
        float[] x = [0.3f, -0.2f], c = [0.1f, 0.2f];
        var plan = new TrainingPlan { LocalEpochs = 2, BatchSize = 2, LearningRate = 0.1 };
        var held = new SiteControlVariates();
        var job = Guid.NewGuid();
        // Round 1 from cᵢ = 0 (the site's first round), so the site holds a control; round 2 checks the step from it.
        var first = held.AfterTraining(job, c, x, Train(Tiny, OneFeature, x, plan, ScaffoldControl.Correction(c, held.For(job, 2))).Trained,
            4, plan.LearningRate);
        Assert.Equal(first, held.For(job, 2));
        var ci = held.For(job, 2);

        var (y, result) = Train(Tiny, OneFeature, x, plan, ScaffoldControl.Correction(c, ci));
        Assert.Equal(4, result.Steps); // 2 epochs × 2 batches of 2
        var delta = held.AfterTraining(job, c, x, y, result.Steps, plan.LearningRate);
        for (var i = 0; i < 2; i++)
        {
            var expected = ci[i] - c[i] + ((double)x[i] - y[i]) / (4 * 0.1);
            Assert.Equal(expected, held.For(job, 2)[i], 6);
            Assert.Equal(expected - ci[i], delta[i], 6);
        }
        held.Forget(job);
        Assert.Equal([0f, 0f], held.For(job, 2));
    }

    [Fact]
    public void With_both_controls_at_zero_training_is_plain_sgd_bit_for_bit()
    {
        var gbsg = ShippedData.Gbsg;
        var spec = new ModelSpec { Kind = "mlp", Features = gbsg.Width, HiddenUnits = 4 };
        var start = FlatParameters.Initial(ParameterLayout.For(spec), 1).Values;
        var plan = new TrainingPlan { LocalEpochs = 3, BatchSize = 32, LearningRate = 0.05 };
        var (plain, plainResult) = Train(gbsg, spec, start, plan, correction: null);
        var (zero, zeroResult) = Train(gbsg, spec, start, plan, new float[start.Length]);
        Assert.Equal(plain, zero);
        Assert.Equal(plainResult.TrainLoss, zeroResult.TrainLoss);
        Assert.Equal(3 * (int)Math.Ceiling(gbsg.Rows / 32.0), plainResult.Steps);
        Assert.NotEqual(start, plain);
    }

    [Fact]
    public void A_correction_of_another_length_than_the_model_is_refused()
    {
        using var model = TorchModels.Create(OneFeature);
        var e = Assert.Throws<ArgumentException>(() => ControlVariates.For(model, new float[3], CPU));
        Assert.Contains("holds 3 values, the model 2", e.Message);
    }
}
