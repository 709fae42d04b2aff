using System.Collections.Concurrent;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Authentication;

namespace FedHealth.Dashboard.Security;

/// <summary>
/// The sessions this dashboard issued and has not ended. A cookie or bearer token is only a claim to one of them:
/// every request is checked against this list and against the accounts file as it is now, so signing out, removing
/// an account, changing its role or setting a new password ends its sessions at once (a copied cookie included).
/// A session opened through an OpenID Connect provider is checked against this list only (the provider is not asked
/// again; its role holds until the session ends) and never against the accounts file, whatever name it carries.
/// Held in memory: restarting the dashboard signs everyone out.
/// </summary>
public sealed class DashboardSessions(AccountStore accounts, TimeProvider clock, ILogger<DashboardSessions> log)
{
    public const string SessionClaim = "fedhealth:session";
    public const string StampClaim = "fedhealth:stamp";
    public const string ProviderClaim = "fedhealth:provider";
    private readonly ConcurrentDictionary<string, LiveSession> live = new();
    private readonly ILogger log = log;

    /// <summary>A new session for <paramref name="account"/>, as the principal the cookie or token will carry.</summary>
    public ClaimsPrincipal Open(DashboardAccount account, string scheme, TimeSpan lifetime) =>
        Open(account.User, account.Role, new Claim(StampClaim, Stamp(account)), provider: null, scheme, lifetime);

    /// <summary>A new session for a user an OpenID Connect provider vouched for, with the role its claims map to.</summary>
    public ClaimsPrincipal OpenExternal(string user, string role, string provider, string scheme, TimeSpan lifetime) =>
        Open(user, role, new Claim(ProviderClaim, provider), provider, scheme, lifetime);

    private ClaimsPrincipal Open(string user, string role, Claim origin, string? provider, string scheme, TimeSpan lifetime)
    {
        var id = Convert.ToHexString(RandomNumberGenerator.GetBytes(16));
        live[id] = new LiveSession(clock.GetUtcNow() + lifetime, provider);
        return new(new ClaimsIdentity([new Claim(ClaimTypes.Name, user), new Claim(ClaimTypes.Role, role), new Claim(SessionClaim, id), origin], scheme));
    }

    /// <summary>Until when a session lives, and the provider that opened it (null: a local account).</summary>
    private sealed record LiveSession(DateTimeOffset Until, string? Provider);

    /// <summary>Ends the session <paramref name="user"/> carries, if any.</summary>
    public void Close(ClaimsPrincipal user)
    {
        if (user.FindFirst(SessionClaim)?.Value is { } id) live.TryRemove(id, out _);
    }

    /// <summary>Why this principal may no longer act, or null when its session is live and its account unchanged.</summary>
    public string? Problem(ClaimsPrincipal user)
    {
        var name = user.Identity?.Name;
        if (user.FindFirst(SessionClaim)?.Value is not { } id || !live.TryGetValue(id, out var session))
            return "the session has ended (signed out, or the dashboard restarted)";
        if (session.Until <= clock.GetUtcNow()) { live.TryRemove(id, out _); return "the session has expired"; }
        if (session.Provider is { } provider)
            return user.FindFirst(ProviderClaim)?.Value == provider ? null : $"the session was opened through {provider}, not as this user";
        if (user.HasClaim(c => c.Type == ProviderClaim)) return "a provider's user claims a local account's session";
        if (name is null || accounts.Find(name) is not { } account) return $"account '{name}' no longer exists";
        if (user.FindFirst(StampClaim)?.Value != Stamp(account)) return $"account '{name}' changed (role or password) since it signed in";
        return null;
    }

    /// <summary>Checks every authenticated request; one whose session ended goes on as anonymous (so 401), and its cookie is dropped.</summary>
    public static void UseSessionCheck(WebApplication app) => app.Use(async (context, next) =>
    {
        if (context.User.Identity is { IsAuthenticated: true })
        {
            var sessions = context.RequestServices.GetRequiredService<DashboardSessions>();
            if (sessions.Problem(context.User) is { } problem)
            {
                sessions.log.LogWarning("request {Method} {Path} by '{User}' from {Address} treated as signed out: {Problem}",
                    context.Request.Method, context.Request.Path, context.User.Identity.Name, context.Connection.RemoteIpAddress, problem);
                sessions.Close(context.User);
                if (!DashboardSecurity.UsesToken(context)) await context.SignOutAsync(DashboardSecurity.CookieScheme);
                context.User = new ClaimsPrincipal(new ClaimsIdentity());
            }
        }
        await next();
    });

    /// <summary>Changes whenever the account is saved again (a fresh salt) or its role changes.</summary>
    private static string Stamp(DashboardAccount account) =>
        Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes($"{account.Role}\n{account.PasswordHash}")))[..32];
}
