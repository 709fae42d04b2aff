using System.Collections.Immutable;
using System.Net;
using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenIddict.Abstractions;
using OpenIddict.Server.AspNetCore;
using static OpenIddict.Abstractions.OpenIddictConstants;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace FedHealth.Tests.Browser;

/// <summary>
/// A real OpenID Connect provider on a loopback port, built on OpenIddict's server (authorization code flow, PKCE
/// required, RS256-signed ID tokens, discovery and keys at the usual addresses): what a hospital's identity provider
/// is to the dashboard. Degraded mode: its one client and its users are this class's lists, not a database, so the
/// client id, secret and redirect address are checked here; codes, PKCE, nonce and signatures are OpenIddict's own.
/// Its users sign in on its own login form, and their ID token carries a "groups" claim.
/// </summary>
public sealed class TestIdentityProvider(string redirectUri) : IAsyncDisposable
{
    public sealed record User(string Name, string Password, IReadOnlyList<string> Groups);

    public const string ClientId = "fedhealth-dashboard";
    public const string ClientSecret = "a secret only the dashboard and its provider know";
    private const string LoginScheme = "provider-login";
    private WebApplication? app;

    public IReadOnlyList<User> Users { get; init; } = [];

    /// <summary>The issuer, e.g. http://127.0.0.1:PORT/ (known once started).</summary>
    public string Authority { get; private set; } = "";

    public async Task StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel().UseUrls("http://127.0.0.1:0");
        builder.Services.AddAuthentication(LoginScheme).AddCookie(LoginScheme, o => o.Cookie.Name = "provider.login");
        builder.Services.AddAuthorization();
        builder.Services.AddOpenIddict().AddServer(o =>
        {
            o.SetAuthorizationEndpointUris("connect/authorize").SetTokenEndpointUris("connect/token");
            o.AllowAuthorizationCodeFlow().RequireProofKeyForCodeExchange();
            o.RegisterScopes(Scopes.OpenId, Scopes.Profile);
            o.AddEphemeralSigningKey().AddEphemeralEncryptionKey();
            o.EnableDegradedMode().DisableTokenStorage().DisableAuthorizationStorage();
            o.UseAspNetCore().EnableAuthorizationEndpointPassthrough().EnableTokenEndpointPassthrough().DisableTransportSecurityRequirement();
            o.AddEventHandler<ValidateAuthorizationRequestContext>(h => h.UseInlineHandler(context =>
            {
                if (context.ClientId != ClientId) context.Reject(Errors.InvalidClient, $"unknown client '{context.ClientId}'");
                else if (context.RedirectUri != redirectUri) context.Reject(Errors.InvalidRequest, $"redirect_uri '{context.RedirectUri}' is not registered");
                return default;
            }));
            o.AddEventHandler<ValidateTokenRequestContext>(h => h.UseInlineHandler(context =>
            {
                if (context.ClientId != ClientId || context.Request.ClientSecret != ClientSecret)
                    context.Reject(Errors.InvalidClient, "wrong client id or secret");
                return default;
            }));
        });
        app = builder.Build();
        app.UseAuthentication();
        // Typed as Func, not RequestDelegate, so the IResult each answers is written.
        app.MapMethods("/connect/authorize", ["GET", "POST"], (Func<HttpContext, Task<IResult>>)Authorize);
        app.MapPost("/connect/token", (Func<HttpContext, Task<IResult>>)Token);
        app.MapGet("/login", (string? returnUrl) => LoginForm(returnUrl ?? "", error: null));
        app.MapPost("/login", (Func<HttpContext, Task<IResult>>)LogIn);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single();
        Authority = address.TrimEnd('/') + "/";
    }

    /// <summary>The user signed in at the provider gets an authorization code for the dashboard; anyone else goes to the login form first.</summary>
    private async Task<IResult> Authorize(HttpContext context)
    {
        var request = context.GetOpenIddictServerRequest() ?? throw new InvalidOperationException("not an OpenID Connect request");
        var login = await context.AuthenticateAsync(LoginScheme);
        if (!login.Succeeded || Users.FirstOrDefault(u => u.Name == login.Principal!.Identity!.Name) is not { } user)
            return Results.Redirect($"/login?returnUrl={Uri.EscapeDataString(context.Request.Path + context.Request.QueryString)}");
        var identity = new ClaimsIdentity(OpenIddictServerAspNetCoreDefaults.AuthenticationScheme, Claims.Name, Claims.Role);
        identity.SetClaim(Claims.Subject, $"subject-of-{user.Name}").SetClaim(Claims.Name, user.Name).SetClaim(Claims.PreferredUsername, user.Name)
            .SetClaim(Claims.Email, $"{user.Name}@hospital.example")
            .SetClaims("groups", [.. user.Groups]);
        identity.SetScopes(request.GetScopes());
        identity.SetDestinations(_ => [Destinations.IdentityToken, Destinations.AccessToken]);
        return Results.SignIn(new ClaimsPrincipal(identity), authenticationScheme: OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
    }

    /// <summary>Exchanges a code OpenIddict has checked (signature, expiry, client, redirect address, PKCE verifier) for tokens.</summary>
    private static async Task<IResult> Token(HttpContext context)
    {
        var request = context.GetOpenIddictServerRequest() ?? throw new InvalidOperationException("not an OpenID Connect request");
        if (!request.IsAuthorizationCodeGrantType()) return Results.BadRequest();
        var code = await context.AuthenticateAsync(OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
        return Results.SignIn(code.Principal!, authenticationScheme: OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
    }

    private async Task<IResult> LogIn(HttpContext context)
    {
        var form = await context.Request.ReadFormAsync();
        var returnUrl = form["returnUrl"].ToString();
        if (!returnUrl.StartsWith("/connect/authorize?", StringComparison.Ordinal)) return Results.BadRequest("returnUrl must be the authorization endpoint");
        if (Users.FirstOrDefault(u => u.Name == form["user"] && u.Password == form["password"]) is not { } user)
            return LoginForm(returnUrl, "wrong user name or password");
        await context.SignInAsync(LoginScheme, new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.Name, user.Name)], LoginScheme)));
        return Results.Redirect(returnUrl);
    }

    private static IResult LoginForm(string returnUrl, string? error)
    {
        var html = HtmlEncoder.Default;
        return Results.Content($"""
            <!doctype html><html lang="en"><head><meta charset="utf-8"><title>Hospital sign-in</title></head><body>
            <h1>Hospital sign-in</h1>{(error is null ? "" : $"<p role=\"alert\">{html.Encode(error)}</p>")}
            <form method="post" action="/login"><input type="hidden" name="returnUrl" value="{html.Encode(returnUrl)}">
            <label for="user">User name</label><input id="user" name="user" autocomplete="username">
            <label for="password">Password</label><input id="password" name="password" type="password">
            <button type="submit">Sign in</button></form></body></html>
            """, "text/html; charset=utf-8", statusCode: error is null ? (int)HttpStatusCode.OK : (int)HttpStatusCode.Unauthorized);
    }

    public async ValueTask DisposeAsync()
    {
        if (app is not null) await app.DisposeAsync();
    }
}
