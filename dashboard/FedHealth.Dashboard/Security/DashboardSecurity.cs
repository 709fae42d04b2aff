using System.Security.Claims;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Authentication.BearerToken;
using Microsoft.AspNetCore.Authentication.Cookies;
using FedHealth.Dashboard.Security.Device;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace FedHealth.Dashboard.Security;

/// <summary>
/// Sign-in for the dashboard: browsers hold an HttpOnly, SameSite=Strict cookie and send an anti-forgery header
/// with every change; API clients send a bearer token from POST /api/token. One policy scheme picks the handler
/// by the Authorization header, so every endpoint and the hub accept either and check roles the same way. Browsers may
/// also sign in through an OpenID Connect provider (<see cref="OidcSignIn"/>), which ends in the same cookie session.
/// </summary>
public static class DashboardSecurity
{
    public const string Scheme = "fedhealth";
    public const string CookieScheme = CookieAuthenticationDefaults.AuthenticationScheme;
    public const string TokenScheme = BearerTokenDefaults.AuthenticationScheme;
    public const string CsrfHeader = "X-CSRF-TOKEN";
    public const string SignInLimiter = "sign-in";
    public static readonly TimeSpan CookieLifetime = TimeSpan.FromHours(8);
    public static readonly TimeSpan TokenLifetime = TimeSpan.FromHours(1);

    public static IServiceCollection AddDashboardSecurity(this IServiceCollection services, IConfiguration configuration)
    {
        var accountsFile = configuration["Dashboard:AccountsFile"];
        if (string.IsNullOrWhiteSpace(accountsFile))
            throw new InvalidOperationException("Dashboard:AccountsFile is not set: create accounts with `fedhealth accounts add --file FILE --user NAME " +
                "--role lead|auditor|site-admin` and pass --Dashboard:AccountsFile=FILE");
        var store = new AccountStore(accountsFile);
        var accounts = store.Load();
        if (accounts.Count == 0)
            throw new InvalidOperationException(
                $"Dashboard:AccountsFile {accountsFile} holds no account: add one with `fedhealth accounts add --file {accountsFile} --user NAME --role lead`");
        services.AddSingleton(store);
        services.AddSingleton<DashboardSessions>();
        services.AddSingleton<SignInThrottle>();
        services.AddSingleton(DeviceSignInOptions.From(configuration));
        services.AddSingleton<DeviceAuthorizations>();
        services.AddSingleton<WrongCodeThrottle>();
        services.TryAddSingleton(TimeProvider.System);

        services.AddAuthentication(Scheme)
            .AddPolicyScheme(Scheme, "cookie or bearer token", o => o.ForwardDefaultSelector = context =>
                context.Request.Headers.Authorization.ToString().StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? TokenScheme : CookieScheme)
            .AddCookie(CookieScheme, o =>
            {
                o.Cookie.Name = "fedhealth.session";
                o.Cookie.HttpOnly = true;
                o.Cookie.SameSite = SameSiteMode.Strict;
                o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                o.ExpireTimeSpan = CookieLifetime;
                o.SlidingExpiration = true;
                // An API answers 401/403; the page shows its own sign-in form instead of following a redirect.
                o.Events.OnRedirectToLogin = context => { context.Response.StatusCode = StatusCodes.Status401Unauthorized; return Task.CompletedTask; };
                o.Events.OnRedirectToAccessDenied = context => { context.Response.StatusCode = StatusCodes.Status403Forbidden; return Task.CompletedTask; };
            })
            .AddBearerToken(TokenScheme, o => o.BearerTokenExpiration = TokenLifetime)
            .AddOidcSignIn(services, configuration);

        services.AddAuthorizationBuilder()
            .AddPolicy(DashboardRoles.ReadPolicy, p => p.RequireAuthenticatedUser().RequireRole(DashboardRoles.All))
            .AddPolicy(DashboardRoles.LeadPolicy, p => p.RequireAuthenticatedUser().RequireRole(DashboardRoles.Lead));
        services.AddAntiforgery(o =>
        {
            o.HeaderName = CsrfHeader;
            o.Cookie.Name = "fedhealth.csrf";
            o.Cookie.SameSite = SameSiteMode.Strict;
        });
        // Guessing passwords costs a minute per ten tries from one address; SignInThrottle bounds tries per account too.
        services.AddRateLimiter(o =>
        {
            o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            o.AddPolicy(SignInLimiter, context => RateLimitPartition.GetFixedWindowLimiter(context.Connection.RemoteIpAddress?.ToString() ?? "?",
                _ => new FixedWindowRateLimiterOptions { PermitLimit = 10, Window = TimeSpan.FromMinutes(1), QueueLimit = 0 }));
            // Device sign-ins started: as many as sign-ins, counted apart (a command line's start is not a failed password).
            o.AddPolicy(DeviceSignInApi.Limiter, context => RateLimitPartition.GetFixedWindowLimiter(context.Connection.RemoteIpAddress?.ToString() ?? "?",
                _ => new FixedWindowRateLimiterOptions { PermitLimit = 10, Window = TimeSpan.FromMinutes(1), QueueLimit = 0 }));
        });
        return services;
    }

    /// <summary>True when the request carries a bearer token (no ambient browser credential, so no forgery to fear).</summary>
    public static bool UsesToken(HttpContext context) =>
        context.Request.Headers.Authorization.ToString().StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase);
}
