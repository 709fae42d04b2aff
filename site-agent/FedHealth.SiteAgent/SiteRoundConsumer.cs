using FedHealth.Contracts;
using FedHealth.Messaging.Chunking;
using FedHealth.Monitoring;
using MassTransit;
using Polly;
using Microsoft.Extensions.Logging;

namespace FedHealth.SiteAgent;

/// <summary>
/// Receives a job's round requests on the site's own queue and answers them. Training runs on a dedicated thread
/// so TorchSharp's thread-bound scopes stay on one thread and the bus's threads stay free.
/// </summary>
/// <param name="spool">The site's one spool: MassTransit makes a consumer per message, and a sliced message spans many.</param>
public sealed class SiteRoundConsumer(Agent agent, ILogger logger, ResiliencePipeline publishing, ChunkedPublisher chunked, ChunkSpool spool) :
    IConsumer<RoundStarted>, IConsumer<CountRequested>, IConsumer<EvaluationRequested>, IConsumer<CrossSiteEvaluationRequested>, IConsumer<UpdateRefused>,
        IConsumer<JobClosed>,
    IConsumer<MaskingKeysCollected>, IConsumer<GraphSeedsRevealed>, IConsumer<SharesRelayed>, IConsumer<UnmaskingRequested>, IConsumer<CoordinatorChunk>
{
    /// <summary>The coordinator's messages that may arrive in slices (a large model's global weights).</summary>
    public static readonly IReadOnlyDictionary<string, Type> ChunkedTypes = new[] { typeof(RoundStarted), typeof(EvaluationRequested),
        typeof(CrossSiteEvaluationRequested) }.ToDictionary(t => t.Name);

    public Task Consume(ConsumeContext<MaskingKeysCollected> context) =>
        Answer(context, context.Message, "site share keys", () => agent.OnKeysCollected(context.Message));
    public Task Consume(ConsumeContext<GraphSeedsRevealed> context) =>
        Answer(context, context.Message, "site draw graph", () => agent.OnSeedsRevealed(context.Message));
    public Task Consume(ConsumeContext<SharesRelayed> context) =>
        Answer(context, context.Message, "site mask update", () => agent.OnSharesRelayed(context.Message));
    public Task Consume(ConsumeContext<UnmaskingRequested> context) =>
        Answer(context, context.Message, "site unmask", () => agent.OnUnmaskingRequested(context.Message));

    /// <summary>Publishes an answer (in slices when too large for the broker), retried with backoff behind the site's circuit breaker.</summary>
    private async Task Send(ConsumeContext context, ISiteRoundMessage answer)
    {
        if (answer is RoundDeclined declined) FederationMetrics.Declined(declined.Reason, "sent");
        using var span = FederationTracing.Source.StartActivity("site submit", System.Diagnostics.ActivityKind.Producer);
        span?.SetTag("fedhealth.site", agent.Id).SetTag("fedhealth.message", answer.GetType().Name);
        foreach (var part in chunked.Messages(answer, agent.Id))
            await publishing.ExecuteAsync(async ct => await context.Publish(part, part.GetType(), ct), context.CancellationToken);
    }

    /// <summary>A slice of a large round request: spooled; the request, once complete and intact, is answered like any other.</summary>
    public async Task Consume(ConsumeContext<CoordinatorChunk> context)
    {
        object? whole;
        try { whole = spool.Add(context.Message.Slice); }
        catch (InvalidChunkException e)
        {
            logger.LogWarning("site {Site}: dropped a chunked message from the coordinator: {Reason}", agent.Id, e.Message);
            return;
        }
        if (whole is RoundStarted started) await OnRoundStarted(context, started);
        else if (whole is EvaluationRequested evaluation) await OnEvaluationRequested(context, evaluation);
        else if (whole is CrossSiteEvaluationRequested crossSite) await OnCrossSiteRequested(context, crossSite);
    }

    private async Task Answer(ConsumeContext context, IJobMessage request, string name, Func<ISiteRoundMessage?> step)
    {
        using var span = Span(context, request, name);
        if (await OnTrainingThread(step) is { } answer) await Send(context, answer);
    }

    /// <summary>This site's span for a request, a child of the coordinator's round span the request's trace header names.</summary>
    private System.Diagnostics.Activity? Span(ConsumeContext context, IJobMessage request, string name) =>
        FederationTracing.StartFrom(context, name, System.Diagnostics.ActivityKind.Consumer, ("fedhealth.site", agent.Id),
            ("fedhealth.job", request.JobId.ToString()), ("fedhealth.round", request is IRoundMessage r ? r.Round : null));

    public Task Consume(ConsumeContext<RoundStarted> context) => OnRoundStarted(context, context.Message);

    public Task Consume(ConsumeContext<EvaluationRequested> context) => OnEvaluationRequested(context, context.Message);

    public async Task Consume(ConsumeContext<CountRequested> context)
    {
        if (!context.Message.Participants.Contains(agent.Id)) return;
        using var span = Span(context, context.Message, "site count");
        if (await OnTrainingThread(() => agent.Count(context.Message)) is { } answer) await Send(context, answer);
    }

    public Task Consume(ConsumeContext<CrossSiteEvaluationRequested> context) => OnCrossSiteRequested(context, context.Message);

    private async Task OnCrossSiteRequested(ConsumeContext context, CrossSiteEvaluationRequested request)
    {
        if (!request.Participants.Contains(agent.Id)) return;
        using var span = Span(context, request, "site cross-site evaluation");
        if (await OnTrainingThread(() => agent.CrossEvaluate(request)) is { } answer) await Send(context, answer);
    }

    private async Task OnRoundStarted(ConsumeContext context, RoundStarted round)
    {
        if (!round.Participants.Contains(agent.Id)) return;
        spool.DropBefore(round.JobId, round.Round);
        using var span = Span(context, round, "site train");
        if (await OnTrainingThread(() => agent.Train(round)) is { } answer) await Send(context, answer);
    }

    private async Task OnEvaluationRequested(ConsumeContext context, EvaluationRequested request)
    {
        if (!request.Participants.Contains(agent.Id)) return;
        using var span = Span(context, request, "site evaluate");
        if (await OnTrainingThread(() => agent.Evaluate(request)) is { } answer) await Send(context, answer);
    }

    public async Task Consume(ConsumeContext<JobClosed> context)
    {
        if (!context.Message.Participants.Contains(agent.Id)) return;
        spool.DropBefore(context.Message.JobId, int.MaxValue);
        await OnTrainingThread(() => { agent.Forget(context.Message); return true; });
    }

    public Task Consume(ConsumeContext<UpdateRefused> context)
    {
        if (context.Message.SiteId == agent.Id)
            logger.LogWarning("site {Site}: the coordinator refused our message for job {Job} round {Round}: {Reason}",
                agent.Id, context.Message.JobId, context.Message.Round, context.Message.Reason);
        return Task.CompletedTask;
    }

    private static Task<T> OnTrainingThread<T>(Func<T> work) =>
        Task.Factory.StartNew(work, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
}
