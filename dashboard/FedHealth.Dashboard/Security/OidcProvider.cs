namespace FedHealth.Dashboard.Security;

/// <summary>An OpenID Connect provider the dashboard signs users in with: <see cref="OidcSettings"/> checked and completed.</summary>
public sealed record OidcProvider(Uri Authority, string ClientId, string? ClientSecret, string DisplayName, IReadOnlyList<string> Scopes,
    bool UserInfo, OidcRoleMapping Mapping)
{
    public static readonly IReadOnlyList<string> DefaultScopes = ["openid", "profile"];

    /// <summary>The provider these settings describe; every problem in them named by its setting, all at once.</summary>
    public static OidcProvider From(OidcSettings settings)
    {
        var problems = new List<string>();
        void Problem(string field, string message) => problems.Add($"{OidcSettings.Section}:{field}: {message}");

        Uri? authority = null;
        if (string.IsNullOrWhiteSpace(settings.Authority)) Problem("Authority", "is not set (the provider's issuer URL)");
        else if (!Uri.TryCreate(settings.Authority, UriKind.Absolute, out authority) || authority.Scheme is not ("https" or "http"))
            Problem("Authority", $"'{settings.Authority}' is not an http(s) URL");
        else if (authority.Scheme == "http" && !authority.IsLoopback)
            Problem("Authority", $"'{settings.Authority}' must use https (plain http is allowed only on a loopback address, for tests)");
        if (string.IsNullOrWhiteSpace(settings.ClientId)) Problem("ClientId", "is not set (the dashboard's client id at the provider)");
        var scopes = settings.Scopes is { Length: > 0 } given ? given.Select(s => s.Trim()).Where(s => s.Length > 0).Distinct().ToList() : [.. DefaultScopes];
        if (!scopes.Contains("openid")) Problem("Scopes", $"[{string.Join(", ", scopes)}] must include openid");
        var roleClaim = string.IsNullOrWhiteSpace(settings.RoleClaim) ? "groups" : settings.RoleClaim.Trim();
        var nameClaim = string.IsNullOrWhiteSpace(settings.NameClaim) ? "preferred_username" : settings.NameClaim.Trim();
        var displayName = string.IsNullOrWhiteSpace(settings.DisplayName) ? authority?.Host ?? "" : settings.DisplayName.Trim();
        var roles = new Dictionary<string, IReadOnlyList<string>>();
        var grantedBy = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (role, values) in settings.Roles ?? [])
        {
            if (!DashboardRoles.IsKnown(role)) { Problem($"Roles:{role}", $"'{role}' is not one of {string.Join(", ", DashboardRoles.All)}"); continue; }
            var list = (values ?? []).Select(v => v?.Trim() ?? "").ToList();
            if (list.Count == 0 || list.Any(v => v.Length == 0))
            {
                Problem($"Roles:{role}", $"give the {roleClaim} values that grant {role}, none empty");
                continue;
            }
            foreach (var value in list)
                if (grantedBy.TryAdd(value, role) is false && grantedBy[value] != role)
                    Problem($"Roles:{role}", $"'{value}' already grants {grantedBy[value]}: one value grants one role");
            roles[role] = list;
        }
        if (roles.Count == 0 && !problems.Any(p => p.Contains(":Roles:")))
            Problem("Roles", $"no role is mapped: give for lead, auditor or site-admin the {roleClaim} values that grant it (e.g. Roles:lead:0=fl-leads)");
        if (problems.Count > 0) throw new InvalidOperationException(string.Join(Environment.NewLine, problems));
        return new OidcProvider(authority!, settings.ClientId!.Trim(), string.IsNullOrWhiteSpace(settings.ClientSecret) ? null : settings.ClientSecret,
            displayName, scopes, settings.UserInfo, new OidcRoleMapping(roleClaim, nameClaim, displayName, roles));
    }
}
