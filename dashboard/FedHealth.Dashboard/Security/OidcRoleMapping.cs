using System.Security.Claims;

namespace FedHealth.Dashboard.Security;

/// <summary>Who an OpenID Connect user is on the dashboard, or why they may not sign in.</summary>
public sealed record OidcSignInDecision(string? User, string? Role, string? Refusal)
{
    public static OidcSignInDecision Refused(string reason) => new(null, null, reason);
}

/// <summary>
/// Maps the claims of a provider's validated ID token to one FedHealth role. Pure: the provider's values are compared
/// exactly (ordinal), a user whose claims grant no role is refused (there is no default role), and one whose claims
/// grant several gets the first in <see cref="DashboardRoles.All"/> order (lead, auditor, site-admin). The user's name
/// is the provider's name claim followed by the provider's display name, so it can never equal a local account's name
/// (those have no spaces): nothing the provider says (an email, a user name) ever stands for a local account.
/// </summary>
public sealed class OidcRoleMapping(string roleClaim, string nameClaim, string providerName, IReadOnlyDictionary<string, IReadOnlyList<string>> roles)
{
    public const int MaxNameLength = 128;

    public string RoleClaim { get; } = roleClaim;

    public OidcSignInDecision Decide(IEnumerable<Claim> claims)
    {
        var list = claims.ToList();
        var name = list.FirstOrDefault(c => c.Type == nameClaim)?.Value is { Length: > 0 } named ? named : list.FirstOrDefault(c => c.Type == "sub")?.Value;
        if (string.IsNullOrWhiteSpace(name))
            return OidcSignInDecision.Refused($"{providerName} did not say who you are (no '{nameClaim}' or 'sub' claim in its token)");
        if (name.Length > MaxNameLength || name.Any(char.IsControl))
            return OidcSignInDecision.Refused(
                $"{providerName} gave a user name the dashboard cannot show (over {MaxNameLength} characters or control characters)");
        var user = $"{name} ({providerName})";
        var values = list.Where(c => c.Type == RoleClaim).Select(c => c.Value).ToHashSet(StringComparer.Ordinal);
        foreach (var role in DashboardRoles.All)
            if (roles.TryGetValue(role, out var granting) && granting.Any(values.Contains)) return new OidcSignInDecision(user, role, null);
        return OidcSignInDecision.Refused(
            $"your account '{name}' at {providerName} holds no '{RoleClaim}' value that this dashboard maps to a FedHealth role " +
            $"({string.Join(", ", DashboardRoles.All)}); ask the consortium's administrator to grant you one");
    }
}
