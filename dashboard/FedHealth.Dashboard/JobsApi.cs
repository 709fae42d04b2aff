using FedHealth.Contracts;
using FedHealth.Dashboard.Security;
using FedHealth.Learning.Jobs;
using FedHealth.Privacy.Accounting;
using MassTransit;
using Microsoft.AspNetCore.SignalR;

namespace FedHealth.Dashboard;

/// <summary>What a lead sends to stop a job: why (shown to everyone with the job's status).</summary>
public sealed record JobControlRequest(string? Reason);

/// <summary>What the job form learns while a lead types: each problem ("field: why"), who would take part, and the privacy cost.</summary>
public sealed record JobCheck(IReadOnlyList<string> Problems, IReadOnlyList<string> Participants, JobPrivacyEstimate Privacy,
    SparseGraphSuggestion? SparseGraph = null);

/// <summary>A model to check before launching: the model, the schema's features, and the sites chosen (none: every online site with these features).</summary>
public sealed record ModelCheckRequest(ModelSpec? Model, IReadOnlyList<string>? FeatureNames, IReadOnlyList<string>? Sites);

/// <summary>
/// The jobs API. Everyone signed in reads (from the coordinator's journal-backed actors); only leads create jobs,
/// and a browser's change must carry the anti-forgery token.
/// </summary>
public static class JobsApi
{
    private static readonly RequestTimeout Timeout = CoordinatorRequests.Timeout;
    /// <summary>The δ the form plans with; each site accounts at its own δ (1e-5 unless its config says otherwise).</summary>
    public const double PlanningDelta = 1e-5;

    public static void MapJobsApi(this IEndpointRouteBuilder app)
    {
        var read = app.MapGroup("/api").RequireAuthorization(DashboardRoles.ReadPolicy);
        var lead = app.MapGroup("/api").RequireAuthorization(DashboardRoles.LeadPolicy).AddEndpointFilter<AntiforgeryFilter>();

        // The sites and a page of jobs (newest first, without rounds): its size does not grow with finished jobs or their rounds.
        read.MapGet("/status", async (int? offset, int? limit, IRequestClient<GetFederationStatus> client, CancellationToken ct) =>
            offset < 0 || limit is < 0 or > GetFederationStatus.MaxJobsLimit
                ? Results.BadRequest(new { error = $"offset must be 0 or more and limit 0 to {GetFederationStatus.MaxJobsLimit}" })
                : Results.Ok(await Status(client, ct, offset ?? 0, limit ?? 50)));

        // One job with its rounds; each site's score histograms (no page draws them) only when asked for.
        read.MapGet("/jobs/{id:guid}", async (Guid id, bool? histograms, IRequestClient<GetJob> client, CancellationToken ct) =>
        {
            var response = await client.GetResponse<JobSummary, JobNotFound>(new GetJob { JobId = id, Histograms = histograms == true }, ct, Timeout);
            return response.Is(out Response<JobSummary>? job) ? Results.Ok(job.Message) : Results.NotFound(new { error = $"no job {id}" });
        });

        // Checking changes nothing, so any role may; the coordinator checks the same rules again when the job is created.
        read.MapPost("/jobs/check", async (JobSpec? spec, IRequestClient<GetFederationStatus> client, CancellationToken ct) =>
        {
            if (spec is null) return Results.BadRequest(new { error = "the body must be a job spec (JSON)" });
            var problems = JobSpecRules.Problems(spec).ToList();
            var online = await Online(client, ct);
            var (participants, problem) = spec.Schema is { Length: > 0 } && spec.FeatureNames is not null
                ? JobSpecRules.ChooseParticipants(spec, online) : ([], null);
            if (problem is not null) problems.Add(problem);
            if (problems.Count == 0 && ModelAcceptance.Problem(spec, online) is { } refused) problems.Add(refused);
            return Results.Ok(new JobCheck(problems, participants, JobPrivacyEstimate.For(spec, PlanningDelta), SparseGraphSuggestion.For(participants.Count)));
        });

        // A model's parameters, digest and shapes, and which chosen online sites' policies would train it, as the lead edits it.
        read.MapPost("/models/check", async (ModelCheckRequest? request, IRequestClient<GetFederationStatus> client, CancellationToken ct) =>
        {
            if (request?.Model is not { } model) return Results.BadRequest(new { error = "model: missing (the body is {model, featureNames, sites?})" });
            if (request.FeatureNames is not { } features || features.Any(string.IsNullOrWhiteSpace))
                return Results.BadRequest(new { error = "featureNames: must be the schema's feature names, in order" });
            if (request.Sites?.Any(string.IsNullOrWhiteSpace) == true) return Results.BadRequest(new { error = "sites: a site id is empty" });
            var online = await Online(client, ct);
            return Results.Ok(ModelAcceptance.Check(model, features, ModelAcceptance.Chosen(request.Sites, features, online)));
        });

        read.MapGet("/jobs/{id:guid}/model", async (Guid id, string? checkpoint, IRequestClient<GetJobModel> client, CancellationToken ct) =>
        {
            var response = await client.GetResponse<JobModel, JobModelUnavailable>(
                new GetJobModel { JobId = id, Checkpoint = checkpoint ?? Checkpoints.Latest }, ct, Timeout);
            if (response.Is(out Response<JobModelUnavailable>? missing)) return Results.NotFound(new { error = missing.Message.Reason });
            response.Is(out Response<JobModel>? found);
            return ModelDownload.File(found!.Message);
        });

        lead.MapPost("/jobs/{id:guid}/stop",
            async (Guid id, JobControlRequest? request, HttpContext http, IRequestClient<StopJob> client, CancellationToken ct) =>
            Control(await client.GetResponse<JobControlAccepted, JobControlRefused>(
                new StopJob
                {
                    JobId = id, RequestedBy = http.User.Identity!.Name!, Reason = request?.Reason?.Trim() ?? "",
                    RequestId = CreateRequestId(http)
                }, ct, Timeout)));

        lead.MapPost("/jobs/{id:guid}/resume", async (Guid id, HttpContext http, IRequestClient<ResumeJob> client, CancellationToken ct) =>
            Control(await client.GetResponse<JobControlAccepted, JobControlRefused>(
                new ResumeJob { JobId = id, RequestedBy = http.User.Identity!.Name!, RequestId = CreateRequestId(http) }, ct, Timeout)));

        lead.MapPost("/jobs", async (JobSpec? spec, HttpContext http, IRequestClient<CreateJob> client, IRequestClient<GetFederationStatus> status,
            IHubContext<FederationHub> hub, CancellationToken ct) =>
        {
            if (spec is null) return Results.BadRequest(new { error = "the body must be a job spec (JSON)" });
            // The coordinator does not read the sites' model policies (each site would decline every round): a model too few of the
            // participants accept is refused here. A spec with other problems goes on, for the coordinator to name them all.
            if (spec.Kind == JobKinds.Training && spec.Model is not null && JobSpecRules.Problems(spec).Count == 0
                && ModelAcceptance.Problem(spec, await Online(status, ct)) is { } refusedModel)
                return Results.BadRequest(new { error = refusedModel });
            var response = await client.GetResponse<JobAccepted, JobRefused>(new CreateJob { Spec = spec, RequestId = CreateRequestId(http) }, ct, Timeout);
            if (response.Is(out Response<JobRefused>? refused)) return Results.BadRequest(new { error = refused.Message.Reason });
            response.Is(out Response<JobAccepted>? acceptedResponse);
            var accepted = acceptedResponse!.Message;
            await hub.Clients.All.SendAsync(HubEvents.JobCreated, accepted, ct);
            return Results.Created($"/api/jobs/{accepted.JobId}", accepted);
        });
    }

    private static IResult Control(Response<JobControlAccepted, JobControlRefused> response)
    {
        if (response.Is(out Response<JobControlRefused>? refused)) return Results.Conflict(new { error = refused.Message.Reason });
        response.Is(out Response<JobControlAccepted>? accepted);
        return Results.Ok(accepted!.Message);
    }

    /// <summary>
    /// A command's request id (create, stop, resume): from the client's Idempotency-Key header when it sends one (a retry
    /// after a lost answer then gets what it already did), scoped to the signed-in user and the route (one key reused
    /// for a stop and then a resume names two requests); otherwise new for this HTTP request.
    /// </summary>
    public static Guid CreateRequestId(HttpContext http)
    {
        var key = http.Request.Headers["Idempotency-Key"].ToString();
        if (string.IsNullOrWhiteSpace(key)) return Guid.NewGuid();
        var hash = System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes($"{http.User.Identity?.Name}\n{http.Request.Path}\n{key}"));
        return new Guid(hash.AsSpan(0, 16));
    }

    private static async Task<FederationStatus> Status(IRequestClient<GetFederationStatus> client, CancellationToken ct, int offset = 0, int limit = 0) =>
        (await client.GetResponse<FederationStatus>(new GetFederationStatus { JobsOffset = offset, JobsLimit = limit }, ct, Timeout)).Message;

    /// <summary>The latest heartbeat of each online site.</summary>
    private static async Task<List<SiteHeartbeat>> Online(IRequestClient<GetFederationStatus> client, CancellationToken ct) =>
        (await Status(client, ct)).Sites.Where(s => s.Online).Select(s => s.LastHeartbeat).ToList();
}
