using FedHealth.Contracts;
using MassTransit;

namespace FedHealth.Dashboard;

/// <summary>The transfer ledger for auditors: entries filtered by job, site, jurisdiction and period, from the coordinator's journal.</summary>
public static class LedgerApi
{
    public static void MapLedgerApi(this IEndpointRouteBuilder app) =>
        app.MapGet("/api/ledger", async (Guid? job, string? site, string? jurisdiction, DateTimeOffset? from, DateTimeOffset? to, int? limit,
            IRequestClient<GetTransferLedger> client, CancellationToken ct) =>
        {
            var query = new GetTransferLedger { JobId = job, SiteId = site, Jurisdiction = jurisdiction, From = from, To = to, Limit = limit ?? 1000 };
            return (await client.GetResponse<TransferLedgerPage>(query, ct, RequestTimeout.After(s: 30))).Message;
        }).RequireAuthorization(Security.DashboardRoles.ReadPolicy);
}
