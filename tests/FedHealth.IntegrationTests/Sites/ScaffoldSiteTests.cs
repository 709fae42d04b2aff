using FedHealth.Contracts;
using FedHealth.Learning.Models;
using FedHealth.Learning.Strategies;
using FedHealth.SiteAgent;
using FedHealth.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;

namespace FedHealth.Tests.Sites;

/// <summary>A site agent in a SCAFFOLD job: it answers the server's control with its control delta, and refuses a control that does not fit.</summary>
public sealed class ScaffoldSiteTests : IDisposable
{
    private readonly TempFolder temp = new();
    private static readonly ModelSpec Model = new() { Kind = "logistic", Features = 8 };
    private static readonly ParameterLayout Layout = ParameterLayout.For(Model);
    private static readonly TrainingPlan Plan = new() { LocalEpochs = 2, BatchSize = 32, LearningRate = 0.05 };

    [Fact]
    public void A_site_answers_the_server_control_with_its_control_delta_and_carries_its_own_control_to_the_next_round()
    {
        var site = Site();
        var job = Guid.NewGuid();
        var steps = Plan.LocalEpochs * (int)Math.Ceiling(site.Split.Train.Rows / (double)Plan.BatchSize);
        var x1 = FlatParameters.Initial(Layout, 1).Values;
        var first = Assert.IsType<UpdateSubmitted>(site.Train(Round(job, 1, x1, new float[Layout.TotalCount])));
        var y1 = FlatParameters.FromWeights(Layout, first.Weights).Values;
        var delta1 = ScaffoldControl.Decode(first.ControlDelta, Layout.TotalCount);
        // cᵢ = c = 0: Δcᵢ = (x − y)/(Kη).
        for (var i = 0; i < delta1.Length; i++) Assert.Equal((x1[i] - (double)y1[i]) / (steps * Plan.LearningRate), delta1[i], 5);

        // Round 2 with c = [0.01, …]: Δcᵢ = cᵢ⁺ − cᵢ = (x − y)/(Kη) − c, whatever cᵢ the site kept.
        var c = Enumerable.Repeat(0.01f, Layout.TotalCount).ToArray();
        var second = Assert.IsType<UpdateSubmitted>(site.Train(Round(job, 2, y1, c)));
        var y2 = FlatParameters.FromWeights(Layout, second.Weights).Values;
        var delta2 = ScaffoldControl.Decode(second.ControlDelta, Layout.TotalCount);
        for (var i = 0; i < delta2.Length; i++) Assert.Equal((y1[i] - (double)y2[i]) / (steps * Plan.LearningRate) - c[i], delta2[i], 5);

        // The site's own control (c₁ = Δc₁) steered round 2: without it (a fresh agent, cᵢ = 0) the model comes out otherwise.
        var fresh = Assert.IsType<UpdateSubmitted>(Site("fresh").Train(Round(job, 2, y1, c)));
        Assert.NotEqual(second.Weights.Tensors[0].Data, fresh.Weights.Tensors[0].Data);

        var plain = Assert.IsType<UpdateSubmitted>(site.Train(Round(Guid.NewGuid(), 1, x1, serverControl: null)));
        Assert.Null(plain.ControlDelta);
    }

    [Fact]
    public void A_site_declines_a_server_control_that_does_not_fit_the_model_or_comes_with_dp()
    {
        var x = FlatParameters.Initial(Layout, 1).Values;
        var wrong = Assert.IsType<RoundDeclined>(Site().Train(Round(Guid.NewGuid(), 1, x, new float[4])));
        Assert.Contains("server control variate refused: control variate: tensor 'c' [4], expected 'c' [9]", wrong.Reason);
        var withDp = Round(Guid.NewGuid(), 1, x, new float[9]) with { Privacy = new DpSgdSettings { NoiseMultiplier = 1, ClipNorm = 1, SamplingRate = 0.1 } };
        Assert.Contains("SCAFFOLD's control variates are refused beside record-level DP", Assert.IsType<RoundDeclined>(Site().Train(withDp)).Reason);
    }

    [Fact]
    public void When_the_coordinator_says_a_job_has_ended_the_site_lets_go_of_everything_it_kept_for_it()
    {
        var site = Site();
        var (ended, running) = (Guid.NewGuid(), Guid.NewGuid());
        var x = FlatParameters.Initial(Layout, 1).Values;
        Assert.IsType<UpdateSubmitted>(site.Train(Round(ended, 1, x, new float[Layout.TotalCount])));
        Assert.IsType<UpdateSubmitted>(site.Train(Round(running, 1, x, new float[Layout.TotalCount])));
        Assert.True(site.HoldsStateFor(ended), "a SCAFFOLD round leaves the cached answer and the site's control");

        site.Forget(new JobClosed { JobId = ended, Round = 1, Outcome = "failed", Participants = ["DE-GBSG"] });
        Assert.False(site.HoldsStateFor(ended));
        Assert.True(site.HoldsStateFor(running), "another job's state stays");
        Assert.Contains(new AuditLog(Path.Combine(site.StateDir, "audit.jsonl")).Read(), a =>
            a is { Direction: "received", Message: nameof(JobClosed) } && a.JobId == ended);
    }

    private Agent Site(string state = "state") =>
        Agent.Start(GbsgSite.Config(Path.Combine(temp.Path, state)), NullLogger.Instance);

    private static RoundStarted Round(Guid job, int round, float[] global, float[]? serverControl) =>
        GbsgSite.Round(job, round, Model, Plan, new FlatParameters(Layout, global).ToWeights()) with
        {
            ServerControl = serverControl is null ? null : ScaffoldControl.Encode(serverControl),
        };

    public void Dispose() => temp.Dispose();
}
