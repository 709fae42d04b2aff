using FedHealth.Contracts;
using FedHealth.Learning.Data;
using FedHealth.Learning.Metrics;
using FedHealth.Learning.Models;
using FedHealth.Learning.Torch;
using FedHealth.Tests.Support;
using static TorchSharp.torch;

namespace FedHealth.Tests.Learning;

/// <summary>Time-to-event groundwork: the survival label, Harrell's concordance as counts, and the Cox partial likelihood.</summary>
[Collection(TorchCollection.Name)]
public sealed class SurvivalTests : IDisposable
{
    private readonly TempFolder temp = new();

    [Fact]
    public void Concordance_counts_equal_harrells_definition_pair_by_pair_and_add_up_across_sites()
    {
        var random = new Random(3);
        float[] Draw(int n, Func<float> f) => Enumerable.Range(0, n).Select(_ => f()).ToArray();
        var (risk, time, events) = (Draw(200, () => random.Next(20)), Draw(200, () => random.Next(50)), Draw(200, () => random.Next(2)));
        long comparable = 0;
        double concordant = 0;
        for (var i = 0; i < 200; i++)
            for (var j = 0; j < 200; j++)
                if (events[i] == 1 && time[i] < time[j])
                {
                    comparable++;
                    concordant += risk[i] > risk[j] ? 1 : risk[i] == risk[j] ? 0.5 : 0;
                }
        var counts = ConcordanceCounts.Of(risk, time, events);
        Assert.Equal((comparable, concordant), (counts.Comparable, counts.Concordant));
        var (a, b) = (ConcordanceCounts.Of(risk[..120], time[..120], events[..120]), ConcordanceCounts.Of(risk[120..], time[120..], events[120..]));
        Assert.Equal((a + b).Comparable, a.Comparable + b.Comparable);
        // Risk that falls with time orders every comparable pair; the reverse none.
        float[] t = [1, 2, 3, 4];
        float[] e = [1, 1, 0, 1];
        Assert.Equal(1.0, ConcordanceCounts.Of([4, 3, 2, 1], t, e).CIndex);
        Assert.Equal(0.0, ConcordanceCounts.Of([1, 2, 3, 4], t, e).CIndex);
        Assert.True(double.IsNaN(ConcordanceCounts.Of([1, 2], [1, 2], [0, 0]).CIndex));
    }

    [Fact]
    public void The_cox_loss_is_the_negative_partial_likelihood_with_breslows_ties_and_its_gradient_matches()
    {
        double[] eta = [0.3, -1.2, 0.8, 0.1, 2.0, -0.4];
        float[] time = [5, 3, 3, 8, 1, 3];
        float[] events = [1, 1, 0, 0, 1, 1];
        double Expected(double[] x)
        {
            double sum = 0;
            for (var i = 0; i < x.Length; i++)
            {
                if (events[i] == 0) continue;
                var riskSet = Enumerable.Range(0, x.Length).Where(j => time[j] >= time[i]).Sum(j => Math.Exp(x[j]));
                sum += x[i] - Math.Log(riskSet);
            }
            return -sum / events.Sum();
        }
        using var risk = tensor(eta.Select(v => (float)v).ToArray()).requires_grad_();
        using var loss = CoxLoss.Of(risk, tensor(time), tensor(events));
        Assert.Equal(Expected(eta), loss.item<float>(), 5);
        loss.backward();
        var gradient = risk.grad!.data<float>().ToArray();
        for (var k = 0; k < eta.Length; k++)
        {
            var (up, down) = ((double[])eta.Clone(), (double[])eta.Clone());
            up[k] += 1e-5;
            down[k] -= 1e-5;
            Assert.Equal((Expected(up) - Expected(down)) / 2e-5, gradient[k], 4);
        }
        using var none = CoxLoss.Of(tensor(new float[] { 1, 2 }), tensor(new float[] { 1, 2 }), tensor(new float[] { 0, 0 }));
        Assert.Equal(0f, none.item<float>());
    }

    [Fact]
    public void A_survival_schema_keeps_every_patient_with_the_time_of_the_event_it_reports_and_a_linear_cox_model_learns_to_rank_them()
    {
        var schema = SchemaFile.Load(Path.Combine(Paths.Federation, "schema.gbsg.json"));
        var survival = new DataSchema
        {
            Name = schema.Name, Columns = schema.Columns, Features = schema.Features, Subgroups = schema.Subgroups,
            Label = new LabelDefinition { Kind = LabelDefinition.Survival, TimeColumns = ["rfstime"], EventColumns = ["status"] },
        };
        var data = SchemaReader.Read(Path.Combine(Paths.Federation, "data", "gbsg-germany.csv"), survival);
        // All 686 patients, censored ones included (299 recurrences or deaths), each with its rfstime.
        Assert.Equal((686, 299), (data.Rows, data.Positives));
        Assert.Equal(686, data.Times!.Length);

        var split = TrainTestSplit.Stratified(data, 0.3, 1);
        Assert.NotNull(split.Test.Times);
        var spec = new ModelSpec { Kind = ModelKinds.Logistic, Features = data.Width };
        using var model = TorchModels.Create(spec);
        ModelParameters.Write(model, FlatParameters.Initial(ParameterLayout.For(spec), 1));
        var before = ModelEvaluator.Concordance(model, split.Test, CPU).CIndex;
        LocalTrainer.Train(model, split.Train, new TrainingPlan { LocalEpochs = 30, BatchSize = 64, LearningRate = 0.05 }, seed: 1, CPU);
        var c = ModelEvaluator.Concordance(model, split.Test, CPU).CIndex;
        // The exact loss and gradient are proven above; here only that training ranks held-out patients better than the seeded start.
        Assert.True(c > 0.6 && c > before + 0.03, $"held-out C-index {before:F4} before training, {c:F4} after");
        // A site trains only the task its label holds.
        Assert.Equal("the job's model predicts binary, and this site's label is survival", FedHealth.SiteAgent.SiteModels.TaskProblem(spec, data));
        Assert.Null(FedHealth.SiteAgent.SiteModels.TaskProblem(spec with { Task = ModelTasks.Survival }, data));
        Assert.Throws<ArgumentException>(() => DpSgdTrainer.Train(model, split.Train, new TrainingPlan(),
            new DpSgdSettings { NoiseMultiplier = 1, ClipNorm = 1, SamplingRate = 0.1 }, 1, CPU));
    }

    public void Dispose() => temp.Dispose();
}
