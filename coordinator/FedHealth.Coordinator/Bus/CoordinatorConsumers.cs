using Akka.Actor;
using FedHealth.Contracts;
using FedHealth.Coordinator.Hosting;
using FedHealth.Coordinator.Jobs;
using MassTransit;

namespace FedHealth.Coordinator.Bus;

/// <summary>
/// Hands what sites send to the job they name, wherever in the cluster it runs, and acknowledges the message to the
/// broker only once the job has journaled or refused it: if a node dies first, the broker delivers it again (the
/// job ignores what it already counted).
/// </summary>
public sealed class SiteMessagesConsumer(CoordinatorNode node, Hosting.ConsortiumRelay? relay = null) :
    IConsumer<UpdateSubmitted>, IConsumer<EvaluationSubmitted>, IConsumer<RoundDeclined>, IConsumer<SiteHeartbeat>,
    IConsumer<MaskingKeysAdvertised>, IConsumer<GraphSeedRevealed>, IConsumer<SharesSubmitted>, IConsumer<MaskedUpdateSubmitted>,
    IConsumer<UnmaskingSharesSubmitted>, IConsumer<SealedUpdateSubmitted>, IConsumer<SiteChunk>, IConsumer<CrossSiteEvaluationSubmitted>
{
    public Task Consume(ConsumeContext<SiteChunk> context) => ToJob(context.Message);
    public Task Consume(ConsumeContext<SealedUpdateSubmitted> context) => ToJob(context.Message);
    public Task Consume(ConsumeContext<MaskingKeysAdvertised> context) => ToJob(context.Message);
    public Task Consume(ConsumeContext<GraphSeedRevealed> context) => ToJob(context.Message);
    public Task Consume(ConsumeContext<SharesSubmitted> context) => ToJob(context.Message);
    public Task Consume(ConsumeContext<MaskedUpdateSubmitted> context) => ToJob(context.Message);
    public Task Consume(ConsumeContext<UnmaskingSharesSubmitted> context) => ToJob(context.Message);
    public Task Consume(ConsumeContext<UpdateSubmitted> context) => ToJob(context.Message);
    public Task Consume(ConsumeContext<EvaluationSubmitted> context) => ToJob(context.Message);
    public Task Consume(ConsumeContext<CrossSiteEvaluationSubmitted> context) => ToJob(context.Message);
    public Task Consume(ConsumeContext<RoundDeclined> context) => ToJob(context.Message);
    public async Task Consume(ConsumeContext<SiteHeartbeat> context)
    {
        (await node.Actors).Sites.Tell(context.Message);
        // A site that holds an older consortium file (offline when it changed) is sent the current one.
        if (relay?.Behind(context.Message) is { } changed) await context.Publish(changed, context.CancellationToken);
    }

    private async Task ToJob(object message) =>
        await (await node.Actors).Jobs.Ask<JobProtocol.Handled>(message, HandledWithin);

    /// <summary>Long enough to cover a fail-over (the dead node downed, its shards started elsewhere); beyond it the broker redelivers.</summary>
    private static readonly TimeSpan HandledWithin = TimeSpan.FromSeconds(45);
}

/// <summary>Answers a lead's request to create a job with the job manager's verdict.</summary>
public sealed class CreateJobConsumer(CoordinatorNode node) : IConsumer<CreateJob>
{
    public async Task Consume(ConsumeContext<CreateJob> context)
    {
        var answer = await CoordinatorAsk.Ask(node, a => a.Index, "job index", context.Message);
        if (answer is JobAccepted accepted) await context.RespondAsync(accepted);
        else await context.RespondAsync(answer as JobRefused ?? new JobRefused { Reason = $"unexpected answer {answer}" });
    }
}

/// <summary>Answers a lead's stop or resume with the job's own verdict (a job id nobody started is refused as "no job").</summary>
public sealed class JobControlConsumer(CoordinatorNode node) : IConsumer<StopJob>, IConsumer<ResumeJob>
{
    public Task Consume(ConsumeContext<StopJob> context) => Answer(context, context.Message.JobId);
    public Task Consume(ConsumeContext<ResumeJob> context) => Answer(context, context.Message.JobId);

    private async Task Answer<T>(ConsumeContext<T> context, Guid jobId) where T : class
    {
        var answer = await CoordinatorAsk.Ask(node, a => a.Jobs, $"job {jobId}", context.Message);
        if (answer is JobControlAccepted accepted) await context.RespondAsync(accepted);
        else await context.RespondAsync(answer as JobControlRefused ?? new JobControlRefused { JobId = jobId, Reason = $"unexpected answer {answer}" });
    }
}

/// <summary>Answers a request for a job's global model from the job's journal-backed state.</summary>
public sealed class JobModelConsumer(CoordinatorNode node) : IConsumer<GetJobModel>
{
    public async Task Consume(ConsumeContext<GetJobModel> context)
    {
        var answer = await CoordinatorAsk.Ask(node, a => a.Jobs, $"job {context.Message.JobId}", context.Message);
        if (answer is JobModel model) await context.RespondAsync(model);
        else await context.RespondAsync(answer as JobModelUnavailable
            ?? new JobModelUnavailable { JobId = context.Message.JobId, Reason = $"unexpected answer {answer}" });
    }
}

/// <summary>Answers status queries from the journal-backed state of the job actors.</summary>
public sealed class FederationStatusConsumer(CoordinatorNode node) : IConsumer<GetFederationStatus>
{
    public async Task Consume(ConsumeContext<GetFederationStatus> context) =>
        await context.RespondAsync(await CoordinatorAsk.Ask(node, a => a.Index, "job index", context.Message) as FederationStatus
            ?? throw new InvalidOperationException("the job index answered a status query with something else"));
}

/// <summary>Answers a query for one job with its rounds, or that there is no such job.</summary>
public sealed class JobQueryConsumer(CoordinatorNode node) : IConsumer<GetJob>
{
    public async Task Consume(ConsumeContext<GetJob> context)
    {
        var answer = await CoordinatorAsk.Ask(node, a => a.Index, "job index", context.Message);
        if (answer is JobSummary job) await context.RespondAsync(job);
        else await context.RespondAsync(answer as JobNotFound ?? throw new InvalidOperationException($"the job index answered a job query with {answer}"));
    }
}

/// <summary>Answers transfer-ledger queries from the ledger actor, whose entries come from the journal: a page, or the refusal of a bad filter.</summary>
public sealed class TransferLedgerConsumer(CoordinatorNode node) : IConsumer<GetTransferLedger>
{
    public async Task Consume(ConsumeContext<GetTransferLedger> context)
    {
        var answer = await CoordinatorAsk.Ask(node, a => a.Ledger, "transfer ledger", context.Message);
        if (answer is TransferLedgerPage page) await context.RespondAsync(page);
        else await context.RespondAsync(answer as TransferLedgerRefused ?? new TransferLedgerRefused { Reason = $"unexpected answer {answer}" });
    }
}
