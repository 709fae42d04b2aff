using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;

namespace FedHealth.Dashboard.Security;

/// <summary>
/// Sign-in through an organisation's OpenID Connect provider, beside local accounts: the authorization code flow with
/// PKCE, the response in the query (a top-level GET, so the SameSite=Lax correlation and nonce cookies come back with
/// it). ASP.NET Core's handler checks state, nonce, the ID token's signature, issuer, audience and lifetime; nothing
/// here relaxes that. A user whose claims map to a role gets an ordinary dashboard session (the same cookie,
/// anti-forgery token and role checks as a local sign-in); one whose claims map to none is refused with a page that says so.
/// </summary>
public static class OidcSignIn
{
    public const string Scheme = "oidc";
    /// <summary>Where the page's "Sign in with ..." button leads.</summary>
    public const string StartPath = "/api/session/oidc";
    /// <summary>Where the provider sends the browser back (register it at the provider: https://DASHBOARD/signin-oidc).</summary>
    public const string CallbackPath = "/signin-oidc";

    /// <summary>Adds the provider of <c>Dashboard:Oidc</c>, when that section is there; a wrong setting stops the start, naming it.</summary>
    public static void AddOidcSignIn(this AuthenticationBuilder authentication, IServiceCollection services, IConfiguration configuration)
    {
        var section = configuration.GetSection(OidcSettings.Section);
        if (!section.Exists()) return;
        var provider = OidcProvider.From(section.Get<OidcSettings>() ?? new OidcSettings());
        services.AddSingleton(provider);
        authentication.AddOpenIdConnect(Scheme, provider.DisplayName, o =>
        {
            o.Authority = provider.Authority.ToString();
            o.RequireHttpsMetadata = !provider.Authority.IsLoopback;
            o.ClientId = provider.ClientId;
            o.ClientSecret = provider.ClientSecret;
            o.ResponseType = OpenIdConnectResponseType.Code;
            o.ResponseMode = OpenIdConnectResponseMode.Query;
            o.UsePkce = true;
            o.Scope.Clear();
            foreach (var scope in provider.Scopes) o.Scope.Add(scope);
            o.CallbackPath = CallbackPath;
            // No front-channel sign-out address: any page could send a signed-in browser there to drop its cookie.
            // Signing out is the dashboard's own (DELETE /api/session, with the anti-forgery token).
            o.RemoteSignOutPath = PathString.Empty;
            o.SignInScheme = DashboardSecurity.CookieScheme;
            // The provider's tokens are not kept: the dashboard's own session is what every request presents.
            o.SaveTokens = false;
            o.GetClaimsFromUserInfoEndpoint = provider.UserInfo;
            // Claim types stay as the provider names them, so the settings' RoleClaim and NameClaim are the provider's own words.
            o.MapInboundClaims = false;
            o.DisableTelemetry = true;
            o.CorrelationCookie.SameSite = SameSiteMode.Lax;
            o.CorrelationCookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            o.NonceCookie.SameSite = SameSiteMode.Lax;
            o.NonceCookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            o.Events.OnTicketReceived = OpenSession;
            o.Events.OnRemoteFailure = Failed;
        });
    }

    public static void MapOidcSignIn(this IEndpointRouteBuilder app)
    {
        // Back to the page's root, or to the device approval page when ?then=device: the return address is one of these two,
        // never an address taken from the request (no open redirect).
        app.MapGet(StartPath, (HttpContext context, string? then) => context.RequestServices.GetService<OidcProvider>() is null
            ? Results.NotFound(new { error = "this dashboard has no OpenID Connect provider configured: sign in with a local account" })
            : Results.Challenge(new AuthenticationProperties { RedirectUri = then == "device" ? Device.DeviceSignInApi.PagePath : "/" }, [Scheme]))
            .AllowAnonymous();
    }

    private static async Task OpenSession(TicketReceivedContext context)
    {
        var services = context.HttpContext.RequestServices;
        var provider = services.GetRequiredService<OidcProvider>();
        var log = services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(OidcSignIn));
        var claims = context.Principal?.Claims ?? [];
        var decision = provider.Mapping.Decide(claims);
        if (decision.Refusal is { } refusal)
        {
            log.LogWarning("sign-in through {Provider} refused for sub '{Subject}' from {Address}: {Reason} (its {RoleClaim} values: {Values})",
                provider.DisplayName, context.Principal?.FindFirst("sub")?.Value, context.HttpContext.Connection.RemoteIpAddress, refusal,
                provider.Mapping.RoleClaim, string.Join(", ", claims.Where(c => c.Type == provider.Mapping.RoleClaim).Select(c => c.Value)));
            context.HandleResponse();
            await SignInPage.Write(context.Response, StatusCodes.Status403Forbidden, "You may not use this dashboard",
                $"Signed in with {provider.DisplayName}, but {refusal}.");
            return;
        }
        context.Principal = services.GetRequiredService<DashboardSessions>()
            .OpenExternal(decision.User!, decision.Role!, provider.DisplayName, DashboardSecurity.CookieScheme, DashboardSecurity.CookieLifetime);
        log.LogInformation("'{User}' signed in through {Provider} as {Role} from {Address}", decision.User, provider.DisplayName, decision.Role,
            context.HttpContext.Connection.RemoteIpAddress);
    }

    /// <summary>State, nonce, signature, issuer or audience did not check out, or the provider answered an error: nobody is signed in.</summary>
    private static async Task Failed(RemoteFailureContext context)
    {
        var services = context.HttpContext.RequestServices;
        var provider = services.GetRequiredService<OidcProvider>();
        services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(OidcSignIn)).LogWarning(context.Failure,
            "sign-in through {Provider} failed from {Address}", provider.DisplayName, context.HttpContext.Connection.RemoteIpAddress);
        context.HandleResponse();
        await SignInPage.Write(context.Response, StatusCodes.Status400BadRequest, "Sign-in did not complete",
            $"The answer from {provider.DisplayName} could not be accepted (it may have expired, been used already, come to another browser, " +
            "or the provider refused the sign-in). Nobody is signed in; start again from the sign-in page.");
    }
}
