using Akka.Actor;
using FedHealth.Contracts;
using FedHealth.Coordinator.Hosting;
using MassTransit;

namespace FedHealth.Coordinator.Bus;

/// <summary>Hands what sites send to the actors; nothing else happens here.</summary>
public sealed class SiteMessagesConsumer(CoordinatorNode node) :
    IConsumer<UpdateSubmitted>, IConsumer<EvaluationSubmitted>, IConsumer<RoundDeclined>, IConsumer<SiteHeartbeat>,
    IConsumer<MaskingKeysAdvertised>, IConsumer<SharesSubmitted>, IConsumer<MaskedUpdateSubmitted>, IConsumer<UnmaskingSharesSubmitted>,
    IConsumer<SealedUpdateSubmitted>
{
    public async Task Consume(ConsumeContext<SealedUpdateSubmitted> context) => (await node.Actors).Jobs.Tell(context.Message);
    public async Task Consume(ConsumeContext<MaskingKeysAdvertised> context) => (await node.Actors).Jobs.Tell(context.Message);
    public async Task Consume(ConsumeContext<SharesSubmitted> context) => (await node.Actors).Jobs.Tell(context.Message);
    public async Task Consume(ConsumeContext<MaskedUpdateSubmitted> context) => (await node.Actors).Jobs.Tell(context.Message);
    public async Task Consume(ConsumeContext<UnmaskingSharesSubmitted> context) => (await node.Actors).Jobs.Tell(context.Message);
    public async Task Consume(ConsumeContext<UpdateSubmitted> context) => (await node.Actors).Jobs.Tell(context.Message);
    public async Task Consume(ConsumeContext<EvaluationSubmitted> context) => (await node.Actors).Jobs.Tell(context.Message);
    public async Task Consume(ConsumeContext<RoundDeclined> context) => (await node.Actors).Jobs.Tell(context.Message);
    public async Task Consume(ConsumeContext<SiteHeartbeat> context) => (await node.Actors).Sites.Tell(context.Message);
}

/// <summary>Answers a lead's request to create a job with the job manager's verdict.</summary>
public sealed class CreateJobConsumer(CoordinatorNode node) : IConsumer<CreateJob>
{
    public async Task Consume(ConsumeContext<CreateJob> context)
    {
        var answer = await (await node.Actors).Jobs.Ask<object>(context.Message, TimeSpan.FromSeconds(20));
        if (answer is JobAccepted accepted) await context.RespondAsync(accepted);
        else await context.RespondAsync(answer as JobRefused ?? new JobRefused { Reason = $"unexpected answer {answer}" });
    }
}

/// <summary>Answers status queries from the journal-backed state of the job actors.</summary>
public sealed class FederationStatusConsumer(CoordinatorNode node) : IConsumer<GetFederationStatus>
{
    public async Task Consume(ConsumeContext<GetFederationStatus> context) =>
        await context.RespondAsync(await (await node.Actors).Jobs.Ask<FederationStatus>(context.Message, TimeSpan.FromSeconds(20)));
}

/// <summary>Answers transfer-ledger queries from the ledger actor, whose entries come from the journal.</summary>
public sealed class TransferLedgerConsumer(CoordinatorNode node) : IConsumer<GetTransferLedger>
{
    public async Task Consume(ConsumeContext<GetTransferLedger> context) =>
        await context.RespondAsync(await (await node.Actors).Ledger.Ask<TransferLedgerPage>(context.Message, TimeSpan.FromSeconds(20)));
}
