using System.Security.Claims;

namespace FedHealth.Dashboard.Security.Device;

/// <summary>
/// Device sign-in for the dashboard's own command line (RFC 8628, as `gh auth login` does it), so people who sign in to
/// the page through the organisation's provider, and have no password here, can use `fedhealth job`:
/// POST /api/device (anyone, rate-limited per address) starts a request; a signed-in person looks it up and approves or
/// denies it on the /device page (cookie session and anti-forgery token only, wrong codes throttled per user); POST
/// /api/device/token (anyone, with the secret device code) then answers the RFC's errors or, once, a bearer token for a
/// session in the approver's name and role: a provider's user gets a provider session, a local account a local one.
/// </summary>
public static class DeviceSignInApi
{
    public const string PagePath = "/device";
    public const string Limiter = "device-sign-in";

    public static void MapDeviceSignIn(this IEndpointRouteBuilder app)
    {
        // The page is a view of the dashboard's single page; signed out, it shows the sign-in form first and comes back here.
        app.MapGet(PagePath, () => Results.Redirect("/#/device")).AllowAnonymous();

        app.MapPost("/api/device", (DeviceAuthorizationRequest? request, HttpContext context, DeviceAuthorizations pending) =>
        {
            var client = request?.Client?.Trim();
            if (client is { Length: > DeviceSignInOptions.MaxClientLength } || client?.Any(char.IsControl) == true)
                return Results.BadRequest(new { error = $"client: at most {DeviceSignInOptions.MaxClientLength} characters, no control characters" });
            var address = context.Connection.RemoteIpAddress?.ToString() ?? "?";
            var (deviceCode, userCode, refusal) = pending.Create(address, client is { Length: > 0 } ? client : null);
            if (refusal is not null) return Results.Json(new { error = refusal }, statusCode: StatusCodes.Status429TooManyRequests);
            Log(context).LogInformation("device sign-in {UserCode} requested from {Address} by a client that says it is '{Client}'",
                UserCode.Display(userCode!), address, client);
            var options = pending.Options;
            return Results.Ok(new DeviceAuthorization(deviceCode!, UserCode.Display(userCode!), $"{context.Request.Scheme}://{context.Request.Host}{PagePath}",
                (int)options.Lifetime.TotalSeconds, options.Interval.TotalSeconds));
        }).AllowAnonymous().RequireRateLimiting(Limiter);

        var approval = app.MapGroup("/api/device").RequireAuthorization(DashboardRoles.ReadPolicy)
            .AddEndpointFilter<BrowserSessionOnlyFilter>().AddEndpointFilter<AntiforgeryFilter>();

        approval.MapPost("/lookup", (DeviceCodeEntry? entry, HttpContext context, DeviceAuthorizations pending, WrongCodeThrottle throttle) =>
            Opened(entry?.UserCode, context, pending, throttle, out var request) is { } refused ? refused
                : Results.Ok(new DeviceRequestView(UserCode.Display(UserCode.Normalize(entry!.UserCode)!), request!.Address, request.ClaimedClient,
                    request.RequestedAt, request.ExpiresAt, context.User.Identity!.Name!, Role(context.User),
                    context.RequestServices.GetRequiredService<TimeProvider>().GetUtcNow() + DashboardSecurity.TokenLifetime)));

        approval.MapPost("/approve", (DeviceDecision? decision, HttpContext context, DeviceAuthorizations pending, WrongCodeThrottle throttle,
            AccountStore accounts) =>
        {
            if (Opened(decision?.UserCode, context, pending, throttle, out var request) is { } refused) return refused;
            var user = context.User;
            var name = user.Identity!.Name!;
            var provider = user.FindFirst(DashboardSessions.ProviderClaim)?.Value;
            var account = provider is null ? accounts.Find(name) : null;
            if (provider is null && account is null) return Results.Unauthorized();
            var approved = decision!.Approve;
            if (!pending.Decide(decision.UserCode, approved ? new DeviceApprover(name, Role(user), provider, account) : null))
                return Results.NotFound(new { error = "this sign-in request has just expired or been answered: start again from the command line" });
            Log(context).LogInformation("'{User}' {Decision} device sign-in {UserCode} from {Address} (requested {RequestedAt:u}, client says '{Client}')",
                name, approved ? "approved" : "denied", UserCode.Display(UserCode.Normalize(decision.UserCode)!), request!.Address, request.RequestedAt,
                request.ClaimedClient);
            return Results.Ok(new { approved });
        });

        app.MapPost("/api/device/token", (DeviceTokenRequest? request, HttpContext context, DeviceAuthorizations pending, DashboardSessions sessions) =>
        {
            var poll = pending.Poll(request?.DeviceCode);
            if (poll.Approver is not { } approver)
                return poll.Error == DevicePoll.SlowDown
                    ? Results.Json(new { error = poll.Error, interval = poll.Interval.TotalSeconds }, statusCode: StatusCodes.Status400BadRequest)
                    : Results.Json(new { error = poll.Error }, statusCode: StatusCodes.Status400BadRequest);
            var principal = approver.Provider is { } provider
                ? sessions.OpenExternal(approver.User, approver.Role, provider, DashboardSecurity.TokenScheme, DashboardSecurity.TokenLifetime)
                : sessions.Open(approver.Account!, DashboardSecurity.TokenScheme, DashboardSecurity.TokenLifetime);
            Log(context).LogInformation("device sign-in: token issued to {Address} for '{User}' as {Role}", context.Connection.RemoteIpAddress,
                approver.User, approver.Role);
            return Results.SignIn(principal, authenticationScheme: DashboardSecurity.TokenScheme);
        }).AllowAnonymous();
    }

    /// <summary>Null, with the open <paramref name="request"/>, when the user may enter codes and this one is right; otherwise the answer.</summary>
    private static IResult? Opened(string? typed, HttpContext context, DeviceAuthorizations pending, WrongCodeThrottle throttle, out DeviceRequest? request)
    {
        request = null;
        var user = context.User.Identity!.Name!;
        if (throttle.Locked(user))
            return Results.Json(new { error = $"too many wrong codes: enter a code again in {WrongCodeThrottle.Window.TotalMinutes:0} minutes" },
                statusCode: StatusCodes.Status429TooManyRequests);
        if (UserCode.Normalize(typed) is null && string.IsNullOrWhiteSpace(typed))
            return Results.BadRequest(new { error = "userCode: give the code the command line shows (XXXX-XXXX)" });
        if ((request = pending.Find(typed)) is not null) return null;
        var failures = throttle.Failed(user);
        Log(context).LogWarning("'{User}' from {Address} entered a device code that matches no pending sign-in ({Failures} in the last {Minutes} min{Locked})",
            user, context.Connection.RemoteIpAddress, failures, WrongCodeThrottle.Window.TotalMinutes,
            failures >= WrongCodeThrottle.MaxFailures ? "; no more codes until the window has passed" : "");
        return Results.NotFound(new
        {
            error = "no pending sign-in has this code: check it, or start again from the command line " +
                $"(a code lasts {pending.Options.Lifetime.TotalMinutes:0} minutes)",
        });
    }

    private static string Role(ClaimsPrincipal user) => user.FindFirst(ClaimTypes.Role)?.Value ?? "";

    private static ILogger Log(HttpContext context) =>
        context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(DeviceSignInApi));
}
