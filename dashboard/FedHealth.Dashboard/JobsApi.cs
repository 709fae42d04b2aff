using FedHealth.Contracts;
using MassTransit;
using Microsoft.AspNetCore.SignalR;

namespace FedHealth.Dashboard;

/// <summary>The HTTP API: read the federation's state (from the coordinator's journal-backed actors) and create jobs.</summary>
public static class JobsApi
{
    private static readonly RequestTimeout Timeout = RequestTimeout.After(s: 30);

    public static void MapJobsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api");
        api.MapGet("/status", async (IRequestClient<GetFederationStatus> client, CancellationToken ct) =>
            (await client.GetResponse<FederationStatus>(new GetFederationStatus(), ct, Timeout)).Message);

        api.MapGet("/jobs/{id:guid}", async (Guid id, IRequestClient<GetFederationStatus> client, CancellationToken ct) =>
        {
            var status = (await client.GetResponse<FederationStatus>(new GetFederationStatus(), ct, Timeout)).Message;
            return status.Jobs.FirstOrDefault(j => j.JobId == id) is { } job ? Results.Ok(job) : Results.NotFound(new { error = $"no job {id}" });
        });

        api.MapPost("/jobs", async (JobSpec? spec, IRequestClient<CreateJob> client, IHubContext<FederationHub> hub, CancellationToken ct) =>
        {
            if (spec is null) return Results.BadRequest(new { error = "the body must be a job spec (JSON)" });
            var response = await client.GetResponse<JobAccepted, JobRefused>(new CreateJob { Spec = spec }, ct, Timeout);
            if (response.Is(out Response<JobRefused>? refused)) return Results.BadRequest(new { error = refused.Message.Reason });
            response.Is(out Response<JobAccepted>? acceptedResponse);
            var accepted = acceptedResponse!.Message;
            await hub.Clients.All.SendAsync(HubEvents.JobCreated, accepted, ct);
            return Results.Created($"/api/jobs/{accepted.JobId}", accepted);
        });
    }
}
