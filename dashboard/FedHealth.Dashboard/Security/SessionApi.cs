using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;

namespace FedHealth.Dashboard.Security;

/// <summary>What a sign-in sends.</summary>
public sealed record SignInRequest(string? User, string? Password);

/// <summary>Who is signed in (if anyone), and the anti-forgery token the page sends back with every change.</summary>
public sealed record SessionInfo(bool SignedIn, string? User, string? Role, string Csrf);

/// <summary>/api/session (the browser's cookie sign-in and sign-out) and /api/token (bearer tokens for API clients).</summary>
public static class SessionApi
{
    public static void MapSessionApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/session", (HttpContext context, IAntiforgery antiforgery) => Session(context, antiforgery)).AllowAnonymous();

        app.MapPost("/api/session", async (SignInRequest? request, HttpContext context, IAntiforgery antiforgery, AccountStore accounts) =>
        {
            if (Check(request, accounts) is not { } account) return Refused(request);
            var principal = DashboardSecurity.Principal(account, DashboardSecurity.CookieScheme);
            await context.SignInAsync(DashboardSecurity.CookieScheme, principal);
            // The anti-forgery token is bound to the user: issue the signed-in user's token now.
            context.User = principal;
            return Results.Ok(Session(context, antiforgery));
        }).AllowAnonymous().AddEndpointFilter<AntiforgeryFilter>().RequireRateLimiting(DashboardSecurity.SignInLimiter);

        app.MapDelete("/api/session", async (HttpContext context, IAntiforgery antiforgery) =>
        {
            await context.SignOutAsync(DashboardSecurity.CookieScheme);
            context.User = new();
            return Results.Ok(Session(context, antiforgery));
        }).RequireAuthorization(DashboardRoles.ReadPolicy).AddEndpointFilter<AntiforgeryFilter>();

        app.MapPost("/api/token", (SignInRequest? request, AccountStore accounts) =>
            Check(request, accounts) is { } account
                ? Results.SignIn(DashboardSecurity.Principal(account, DashboardSecurity.TokenScheme), authenticationScheme: DashboardSecurity.TokenScheme)
                : Refused(request)).AllowAnonymous().RequireRateLimiting(DashboardSecurity.SignInLimiter);
    }

    private static SessionInfo Session(HttpContext context, IAntiforgery antiforgery)
    {
        var tokens = antiforgery.GetAndStoreTokens(context);
        var user = context.User.Identity is { IsAuthenticated: true } ? context.User : null;
        return new SessionInfo(user is not null, user?.Identity?.Name, user?.FindFirst(System.Security.Claims.ClaimTypes.Role)?.Value, tokens.RequestToken!);
    }

    private static DashboardAccount? Check(SignInRequest? request, AccountStore accounts) =>
        request is { User: { Length: > 0 } user, Password: { Length: > 0 } password } ? accounts.SignIn(user, password) : null;

    private static IResult Refused(SignInRequest? request) => request is { User: { Length: > 0 }, Password: { Length: > 0 } }
        ? Results.Json(new { error = "user name or password is wrong" }, statusCode: StatusCodes.Status401Unauthorized)
        : Results.BadRequest(new { error = "give user and password" });
}
