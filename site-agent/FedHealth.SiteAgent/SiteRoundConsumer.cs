using FedHealth.Contracts;
using MassTransit;
using Polly;
using Microsoft.Extensions.Logging;

namespace FedHealth.Sites;

/// <summary>
/// Receives a job's round requests on the site's own queue and answers them. Training runs on a dedicated thread
/// so TorchSharp's thread-bound scopes stay on one thread and the bus's threads stay free.
/// </summary>
public sealed class SiteRoundConsumer(SiteAgent agent, ILogger logger, ResiliencePipeline publishing) :
    IConsumer<RoundStarted>, IConsumer<EvaluationRequested>, IConsumer<UpdateRefused>,
    IConsumer<MaskingKeysCollected>, IConsumer<SharesRelayed>, IConsumer<UnmaskingRequested>
{
    public Task Consume(ConsumeContext<MaskingKeysCollected> context) => Answer(context, () => agent.OnKeysCollected(context.Message));
    public Task Consume(ConsumeContext<SharesRelayed> context) => Answer(context, () => agent.OnSharesRelayed(context.Message));
    public Task Consume(ConsumeContext<UnmaskingRequested> context) => Answer(context, () => agent.OnUnmaskingRequested(context.Message));

    /// <summary>Publishes an answer, retried with backoff behind the site's circuit breaker while the broker is away.</summary>
    private Task Send(ConsumeContext context, object answer) =>
        publishing.ExecuteAsync(async ct => await context.Publish(answer, answer.GetType(), ct), context.CancellationToken).AsTask();

    private async Task Answer(ConsumeContext context, Func<object?> step)
    {
        if (await OnTrainingThread(step) is { } answer) await Send(context, answer);
    }
    public async Task Consume(ConsumeContext<RoundStarted> context)
    {
        if (!context.Message.Participants.Contains(agent.Id)) return;
        if (await OnTrainingThread(() => agent.Train(context.Message)) is { } answer)
            await Send(context, answer);
    }

    public async Task Consume(ConsumeContext<EvaluationRequested> context)
    {
        if (!context.Message.Participants.Contains(agent.Id)) return;
        if (await OnTrainingThread(() => agent.Evaluate(context.Message)) is { } answer)
            await Send(context, answer);
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
