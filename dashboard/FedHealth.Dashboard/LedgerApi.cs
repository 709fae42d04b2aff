using FedHealth.Contracts;
using MassTransit;

namespace FedHealth.Dashboard;

/// <summary>
/// The transfer ledger for auditors, from the coordinator's journal: entries filtered by job, site, jurisdictions,
/// data kind, decision and period (with the filter choices the ledger offers), and a verification of the stored chain.
/// </summary>
public static class LedgerApi
{
    private static readonly RequestTimeout Timeout = RequestTimeout.After(s: 30);

    public static void MapLedgerApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/ledger", async (Guid? job, string? site, string? jurisdiction, string? senderJurisdiction, string? receiverJurisdiction,
            string? dataKind, string? decision, DateTimeOffset? from, DateTimeOffset? to, int? limit, IRequestClient<GetTransferLedger> client, CancellationToken ct) =>
        {
            var query = new GetTransferLedger
            {
                JobId = job, SiteId = Given(site), Jurisdiction = Given(jurisdiction), SenderJurisdiction = Given(senderJurisdiction),
                ReceiverJurisdiction = Given(receiverJurisdiction), DataKind = Given(dataKind), Decision = Given(decision), From = from, To = to, Limit = limit ?? 1000,
            };
            var response = await client.GetResponse<TransferLedgerPage, TransferLedgerRefused>(query, ct, Timeout);
            if (response.Is(out Response<TransferLedgerRefused>? refused)) return Results.BadRequest(new { error = refused.Message.Reason, field = refused.Message.Field });
            response.Is(out Response<TransferLedgerPage>? page);
            return Results.Ok(page!.Message);
        });

        app.MapGet("/api/ledger/verify", async (string? head, IRequestClient<VerifyTransferLedger> client, CancellationToken ct) =>
            (await client.GetResponse<TransferLedgerVerification>(new VerifyTransferLedger { Head = Given(head) }, ct, Timeout)).Message);
    }

    // A form's empty field means "any"; the coordinator refuses an empty filter as a mistake, so it is left out here.
    private static string? Given(string? value) => string.IsNullOrEmpty(value) ? null : value;
}
