using System.Text;
using FedHealth.Contracts;
using FedHealth.Dashboard.Security;
using FedHealth.Governance;
using MassTransit;

namespace FedHealth.Dashboard;

/// <summary>
/// The transfer ledger for auditors (every signed-in role reads it), from the coordinator's journal: entries filtered
/// by job, site, jurisdictions, data kind, decision and period (with the filter choices the ledger offers), the same
/// entries exported as CSV or JSON, and a verification of the chain as the journal database stores it.
/// </summary>
public static class LedgerApi
{
    private static readonly RequestTimeout Timeout = CoordinatorRequests.Timeout;
    /// <summary>An export takes every matching entry, up to the most a query may ask for.</summary>
    private const int ExportLimit = 100_000;

    public static void MapLedgerApi(this IEndpointRouteBuilder app)
    {
        var read = app.MapGroup("/api/ledger").RequireAuthorization(DashboardRoles.ReadPolicy);

        read.MapGet("", async ([AsParameters] LedgerFilters filters, IRequestClient<GetTransferLedger> client, CancellationToken ct) =>
        {
            var (page, refusal) = await Query(client, filters.ToQuery(filters.Limit ?? 1000), ct);
            return page is not null ? Results.Ok(page) : refusal!;
        });

        read.MapGet("/export", async (string? format, [AsParameters] LedgerFilters filters, IRequestClient<GetTransferLedger> client, CancellationToken ct) =>
        {
            format ??= LedgerExport.CsvFormat;
            if (format is not (LedgerExport.CsvFormat or LedgerExport.JsonFormat))
                return Results.BadRequest(new { error = $"format: '{format}' is not csv or json", field = "format" });
            var (page, refusal) = await Query(client, filters.ToQuery(ExportLimit), ct);
            if (page is null) return refusal!;
            var contentType = format == LedgerExport.CsvFormat ? "text/csv" : "application/json";
            return Results.File(Encoding.UTF8.GetBytes(LedgerExport.Write(page.Entries, format)), contentType,
                $"transfer-ledger-{DateTimeOffset.UtcNow:yyyyMMdd-HHmmss}.{format}");
        });

        read.MapGet("/verify", async (string? head, IRequestClient<VerifyTransferLedger> client, CancellationToken ct) =>
            (await client.GetResponse<TransferLedgerVerification>(new VerifyTransferLedger { Head = Given(head) }, ct, Timeout)).Message);
    }

    private static async Task<(TransferLedgerPage? Page, IResult? Refusal)> Query(IRequestClient<GetTransferLedger> client, GetTransferLedger query,
        CancellationToken ct)
    {
        var response = await client.GetResponse<TransferLedgerPage, TransferLedgerRefused>(query, ct, Timeout);
        if (response.Is(out Response<TransferLedgerRefused>? refused))
            return (null, Results.BadRequest(new { error = refused.Message.Reason, field = refused.Message.Field }));
        response.Is(out Response<TransferLedgerPage>? page);
        return (page!.Message, null);
    }

    // A form's empty field means "any"; the coordinator refuses an empty filter as a mistake, so it is left out here.
    private static string? Given(string? value) => string.IsNullOrEmpty(value) ? null : value;

    /// <summary>The ledger filters as query-string parameters (the same names the page and the CLI use).</summary>
    public sealed record LedgerFilters(Guid? Job, string? Site, string? Jurisdiction, string? SenderJurisdiction, string? ReceiverJurisdiction,
        string? DataKind, string? Decision, DateTimeOffset? From, DateTimeOffset? To, int? Limit)
    {
        public GetTransferLedger ToQuery(int limit) => new()
        {
            JobId = Job, SiteId = Given(Site), Jurisdiction = Given(Jurisdiction), SenderJurisdiction = Given(SenderJurisdiction),
            ReceiverJurisdiction = Given(ReceiverJurisdiction), DataKind = Given(DataKind), Decision = Given(Decision), From = From, To = To, Limit = limit,
        };
    }
}
