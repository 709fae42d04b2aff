using FedHealth.Contracts;
using FedHealth.Coordinator.Jobs;
using FedHealth.Learning.Models;
using FedHealth.Messaging;
using FedHealth.Messaging.Chunking;
using FedHealth.SiteAgent;
using FedHealth.Tests.Support;
using static FedHealth.Tests.Coordinator.JobFixtures;

namespace FedHealth.Tests.Messaging;

/// <summary>
/// Cross-site evaluation's two model-carrying messages outgrow a broker message with a large model like a round's do:
/// a shared personal model leaves a site in slices the coordinator takes, the candidates reach the sites in slices they take.
/// </summary>
[Collection(TorchCollection.Name)]
public sealed class CrossSiteChunkingTests : IDisposable
{
    private static readonly ModelSpec Big = new() { Kind = "mlp", Features = 2, HiddenUnits = 2_000 };
    private static readonly BusOptions Rabbit = new()
    {
        Transport = BusOptions.RabbitMq, Uri = "amqp://localhost", InlineBytes = 16 * 1024,
        ChunkBytes = 8 * 1024
    };
    private readonly TempFolder temp = new();
    private readonly Guid job = Guid.NewGuid();

    private static ModelWeights Weights(float value) =>
        new FlatParameters(ParameterLayout.For(Big), Enumerable.Repeat(value, ParameterLayout.For(Big).TotalCount).ToArray()).ToWeights();

    private static object? Reassemble(IEnumerable<ChunkSlice> slices, ChunkSpool spool)
    {
        object? whole = null;
        foreach (var slice in slices) whole = spool.Add(slice) ?? whole;
        return whole;
    }

    [Fact]
    public void A_shared_personal_model_travels_in_slices_the_coordinator_reassembles_and_figures_alone_go_whole()
    {
        var evaluation = GoodEvaluation(job, 3, "A") with { Personalised = GoodEvaluation(job, 3, "A").Evaluation, PersonalModel = Weights(0.25f) };
        var parts = new ChunkedPublisher(Rabbit).Messages(evaluation, "A").ToList();
        Assert.True(parts.Count > 2);
        Assert.All(parts, p => Assert.Equal("A", Assert.IsType<SiteChunk>(p).SiteId));
        var back = Assert.IsType<EvaluationSubmitted>(
            Reassemble(parts.Cast<SiteChunk>().Select(c => c.Slice), new ChunkSpool(Path.Combine(temp.Path, "coordinator"), JobActor.ChunkedTypes)));
        Assert.Equal(evaluation.PersonalModel!.Tensors.Select(t => t.Data), back.PersonalModel!.Tensors.Select(t => t.Data));

        var figuresOnly = evaluation with { PersonalModel = null };
        Assert.Same(figuresOnly, Assert.Single(new ChunkedPublisher(Rabbit).Messages(figuresOnly, "A")));
    }

    [Fact]
    public void The_candidates_reach_each_site_in_slices_it_reassembles()
    {
        var request = new CrossSiteEvaluationRequested
        {
            JobId = job, Round = 3, Model = Big, Participants = ["A", "B"], Deadline = DateTimeOffset.UtcNow.AddMinutes(1),
            Candidates = [new CrossSiteCandidate { Weights = Weights(0.5f) }, new CrossSiteCandidate { PersonalOf = "A", Weights = Weights(0.25f) }],
        };
        var parts = new ChunkedPublisher(Rabbit).Messages(request, siteId: null).ToList();
        Assert.True(parts.Count > 2);
        var back = Assert.IsType<CrossSiteEvaluationRequested>(
            Reassemble(parts.Select(p => Assert.IsType<CoordinatorChunk>(p).Slice),
                new ChunkSpool(Path.Combine(temp.Path, "site"), SiteRoundConsumer.ChunkedTypes)));
        Assert.Equal([null, "A"], back.Candidates.Select(c => c.PersonalOf));
        Assert.Equal(request.Candidates[1].Weights.Tensors[0].Data, back.Candidates[1].Weights.Tensors[0].Data);
    }

    public void Dispose() => temp.Dispose();
}
