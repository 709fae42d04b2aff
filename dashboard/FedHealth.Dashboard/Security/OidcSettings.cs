namespace FedHealth.Dashboard.Security;

/// <summary>
/// Sign-in through an organisation's OpenID Connect provider, as the dashboard's settings give it (section
/// <c>Dashboard:Oidc</c>; absent: local accounts only). Read once at start; <see cref="OidcProvider.From"/> checks it.
/// </summary>
public sealed class OidcSettings
{
    public const string Section = "Dashboard:Oidc";

    /// <summary>The provider's issuer URL (its discovery document is at /.well-known/openid-configuration under it). HTTPS, except on loopback.</summary>
    public string? Authority { get; init; }
    public string? ClientId { get; init; }
    /// <summary>The dashboard's client secret at the provider; better given as FEDHEALTH_Dashboard__Oidc__ClientSecret than in a file.</summary>
    public string? ClientSecret { get; init; }
    /// <summary>What the sign-in button says ("Sign in with ...") and what follows each user's name.</summary>
    public string? DisplayName { get; init; }
    /// <summary>Scopes to ask for; openid, profile unless given (openid must be among them).</summary>
    public string[]? Scopes { get; init; }
    /// <summary>The claim whose values say who may do what (groups unless given).</summary>
    public string? RoleClaim { get; init; }
    /// <summary>The claim that names the user (preferred_username unless given; sub when the token lacks it).</summary>
    public string? NameClaim { get; init; }
    /// <summary>For each FedHealth role, the values of <see cref="RoleClaim"/> that grant it (e.g. lead: [fl-leads]).</summary>
    public Dictionary<string, string[]>? Roles { get; init; }
    /// <summary>Also read claims from the provider's userinfo endpoint (for providers that leave groups out of the ID token).</summary>
    public bool UserInfo { get; init; }
}
