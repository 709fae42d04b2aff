using FedHealth.Contracts;
using FedHealth.Coordinator.Hosting;
using FedHealth.Coordinator.Ledger;
using MassTransit;

namespace FedHealth.Coordinator.Bus;

/// <summary>
/// Answers <see cref="VerifyTransferLedger"/> with the same verification as `fedhealth ledger verify`, over the rows
/// in this coordinator's journal database rather than the ledger actor's memory: the audit checks what is stored.
/// </summary>
public sealed class LedgerVerificationConsumer(CoordinatorOptions options, TimeProvider clock) : IConsumer<VerifyTransferLedger>
{
    public async Task Consume(ConsumeContext<VerifyTransferLedger> context)
    {
        // Reading and hashing the whole journal is blocking I/O: on the thread pool, never through the ledger actor.
        var result = await Task.Run(() =>
            LedgerVerification.Run(options.Journal, LedgerStore.ReadOnlyConnection(options), context.Message.Head, clock.GetUtcNow()),
            context.CancellationToken);
        await context.RespondAsync(result);
    }
}
