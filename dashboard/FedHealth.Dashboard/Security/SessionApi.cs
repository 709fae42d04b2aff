using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using FedHealth.Dashboard.Security.Device;

namespace FedHealth.Dashboard.Security;

/// <summary>What a sign-in sends.</summary>
public sealed record SignInRequest(string? User, string? Password);

/// <summary>
/// Who is signed in (if anyone), the anti-forgery token the page sends back with every change, and the display name of
/// the OpenID Connect provider users may also sign in with (null when none is configured).
/// </summary>
public sealed record SessionInfo(bool SignedIn, string? User, string? Role, string Csrf, string? SignInWith = null);

/// <summary>
/// /api/session (the browser's cookie sign-in and sign-out), /api/token (bearer tokens for API clients) and /api/device
/// (bearer tokens for the command line, approved in the browser: <see cref="DeviceSignInApi"/>).
/// </summary>
public static class SessionApi
{
    public static void MapSessionApi(this IEndpointRouteBuilder app)
    {
        app.MapOidcSignIn();
        app.MapDeviceSignIn();
        app.MapGet("/api/session", (HttpContext context, IAntiforgery antiforgery) => Session(context, antiforgery)).AllowAnonymous();

        app.MapPost("/api/session", async (SignInRequest? request, HttpContext context, IAntiforgery antiforgery, AccountStore accounts,
            SignInThrottle throttle, DashboardSessions sessions) =>
        {
            if (Check(request, context, accounts, throttle, out var account) is { } refused) return refused;
            var principal = sessions.Open(account!, DashboardSecurity.CookieScheme, DashboardSecurity.CookieLifetime);
            await context.SignInAsync(DashboardSecurity.CookieScheme, principal);
            // The anti-forgery token is bound to the user: issue the signed-in user's token now.
            context.User = principal;
            return Results.Ok(Session(context, antiforgery));
        }).AllowAnonymous().AddEndpointFilter<AntiforgeryFilter>().RequireRateLimiting(DashboardSecurity.SignInLimiter);

        app.MapDelete("/api/session", async (HttpContext context, IAntiforgery antiforgery, DashboardSessions sessions) =>
        {
            // The session ends here, not only the cookie: a copy of the cookie (or the token) no longer works.
            sessions.Close(context.User);
            if (!DashboardSecurity.UsesToken(context)) await context.SignOutAsync(DashboardSecurity.CookieScheme);
            context.User = new();
            return Results.Ok(Session(context, antiforgery));
        }).RequireAuthorization(DashboardRoles.ReadPolicy).AddEndpointFilter<AntiforgeryFilter>();

        app.MapPost("/api/token", (SignInRequest? request, HttpContext context, AccountStore accounts, SignInThrottle throttle, DashboardSessions sessions) =>
            Check(request, context, accounts, throttle, out var account) is { } refused ? refused
                : Results.SignIn(sessions.Open(account!, DashboardSecurity.TokenScheme, DashboardSecurity.TokenLifetime),
                    authenticationScheme: DashboardSecurity.TokenScheme)).AllowAnonymous().RequireRateLimiting(DashboardSecurity.SignInLimiter);
    }

    private static SessionInfo Session(HttpContext context, IAntiforgery antiforgery)
    {
        var tokens = antiforgery.GetAndStoreTokens(context);
        var user = context.User.Identity is { IsAuthenticated: true } ? context.User : null;
        return new SessionInfo(user is not null, user?.Identity?.Name, user?.FindFirst(System.Security.Claims.ClaimTypes.Role)?.Value, tokens.RequestToken!,
            context.RequestServices.GetService<OidcProvider>()?.DisplayName);
    }

    /// <summary>Null, with the <paramref name="account"/> to sign in, when the user and password are right; otherwise the answer to give.</summary>
    private static IResult? Check(SignInRequest? request, HttpContext context, AccountStore accounts, SignInThrottle throttle, out DashboardAccount? account)
    {
        account = null;
        if (request is not { User: { Length: > 0 } user, Password: { Length: > 0 } password }) return Refused(request);
        if (throttle.Locked(user))
            return Results.Json(new { error = $"too many failed sign-ins for this account: try again in {SignInThrottle.Window.TotalMinutes:0} minutes" },
                statusCode: StatusCodes.Status429TooManyRequests);
        if ((account = accounts.SignIn(user, password)) is null)
        {
            throttle.Failed(user, context.Connection.RemoteIpAddress?.ToString());
            return Refused(request);
        }
        throttle.Succeeded(user);
        return null;
    }

    private static IResult Refused(SignInRequest? request) => request is { User: { Length: > 0 }, Password: { Length: > 0 } }
        ? Results.Json(new { error = "user name or password is wrong" }, statusCode: StatusCodes.Status401Unauthorized)
        : Results.BadRequest(new { error = "give user and password" });
}
