using System.Security.Claims;
using FedHealth.Dashboard.Security;
using FedHealth.Tests.Support;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace FedHealth.Tests.Browser;

/// <summary>
/// How an OpenID Connect provider's claims become one FedHealth role, and how its settings are checked: exact
/// values, no default role, no name that could pass for a local account, every wrong setting named.
/// </summary>
public sealed class OidcRoleMappingTests
{
    private static readonly OidcRoleMapping Mapping = new("groups", "preferred_username", "Hospital SSO", new Dictionary<string, IReadOnlyList<string>>
    {
        [DashboardRoles.Lead] = ["fl-leads"],
        [DashboardRoles.Auditor] = ["data-protection", "audit"],
        [DashboardRoles.SiteAdmin] = ["hospital-it"],
    });

    private static Claim[] Claims(string? name, params string[] groups) =>
        [.. (name is null ? [] : new[] { new Claim("preferred_username", name) }), new Claim("sub", "s-1"), .. groups.Select(g => new Claim("groups", g))];

    [Theory]
    [InlineData("fl-leads", DashboardRoles.Lead)]
    [InlineData("audit", DashboardRoles.Auditor)]
    [InlineData("hospital-it", DashboardRoles.SiteAdmin)]
    public void A_mapped_group_grants_its_role_to_the_user_named_with_the_provider(string group, string role)
    {
        var decision = Mapping.Decide(Claims("alice", "staff", group));
        Assert.Equal(new OidcSignInDecision("alice (Hospital SSO)", role, null), decision);
    }

    [Fact]
    public void A_user_in_several_mapped_groups_gets_the_first_role_in_lead_auditor_site_admin_order()
    {
        Assert.Equal(DashboardRoles.Lead, Mapping.Decide(Claims("alice", "hospital-it", "audit", "fl-leads")).Role);
        Assert.Equal(DashboardRoles.Auditor, Mapping.Decide(Claims("alice", "hospital-it", "audit")).Role);
    }

    [Theory]
    [InlineData()]
    [InlineData("staff")]
    [InlineData("FL-LEADS")]
    [InlineData("fl-leads ")]
    public void A_user_whose_groups_grant_no_role_exactly_is_refused_and_never_given_a_default(params string[] groups)
    {
        var decision = Mapping.Decide(Claims("mallory", groups));
        Assert.Null(decision.Role);
        Assert.Null(decision.User);
        Assert.StartsWith("your account 'mallory' at Hospital SSO holds no 'groups' value that this dashboard maps to a FedHealth role", decision.Refusal);
    }

    [Fact]
    public void A_role_value_under_another_claim_type_grants_nothing()
    {
        Claim[] claims = [new("preferred_username", "eve"), new("roles", "fl-leads"), new("email", "lead@hospital.example")];
        Assert.Null(Mapping.Decide(claims).Role);
    }

    [Fact]
    public void The_name_falls_back_to_the_subject_and_a_token_that_names_nobody_or_carries_control_characters_is_refused()
    {
        Assert.Equal("s-1 (Hospital SSO)", Mapping.Decide(Claims(null, "audit")).User);
        Assert.Contains("did not say who you are", Mapping.Decide([new Claim("groups", "audit")]).Refusal);
        Assert.Contains("cannot show", Mapping.Decide(Claims("lead\nadmin", "audit")).Refusal);
        Assert.Contains("cannot show", Mapping.Decide(Claims(new string('a', OidcRoleMapping.MaxNameLength + 1), "audit")).Refusal);
    }

    [Fact]
    public void A_provider_user_named_like_a_local_account_never_gets_that_accounts_name()
    {
        var user = Mapping.Decide(Claims("lead", "audit")).User!;
        Assert.Equal("lead (Hospital SSO)", user);
        // Local account names have no spaces (AccountStore refuses them), so the two can never be equal.
        var store = new AccountStore(Path.Combine(Path.GetTempPath(), $"accounts-{Guid.NewGuid():N}.json"));
        Assert.Throws<ArgumentException>(() => store.Save(user, DashboardRoles.Lead, "a password long enough"));
    }

    private static OidcSettings Good => new()
    {
        Authority = "https://login.hospital.example/realms/fl", ClientId = "fedhealth", ClientSecret = "s", DisplayName = "Hospital SSO",
        Roles = new() { [DashboardRoles.Lead] = ["fl-leads"] },
    };

    [Fact]
    public void Settings_fill_in_openid_profile_groups_and_preferred_username_when_left_out()
    {
        var provider = OidcProvider.From(Good);
        Assert.Equal(["openid", "profile"], provider.Scopes);
        Assert.Equal("groups", provider.Mapping.RoleClaim);
        Assert.Equal(DashboardRoles.Lead, provider.Mapping.Decide([new Claim("preferred_username", "a"), new Claim("groups", "fl-leads")]).Role);
        Assert.Equal("login.hospital.example", OidcProvider.From(new OidcSettings
        {
            Authority = Good.Authority, ClientId = "c", Roles = Good.Roles,
        }).DisplayName);
    }

    [Fact]
    public void Plain_http_is_refused_for_a_provider_unless_it_is_on_loopback()
    {
        var remote = Assert.Throws<InvalidOperationException>(() => OidcProvider.From(new OidcSettings
        {
            Authority = "http://login.hospital.example", ClientId = "c", Roles = Good.Roles,
        }));
        Assert.Equal("Dashboard:Oidc:Authority: 'http://login.hospital.example' must use https (plain http is allowed only on a loopback address, for tests)",
            remote.Message);
        Assert.True(OidcProvider.From(new OidcSettings { Authority = "http://127.0.0.1:5000/", ClientId = "c", Roles = Good.Roles }).Authority.IsLoopback);
    }

    [Fact]
    public void Every_wrong_setting_is_named_at_once()
    {
        var error = Assert.Throws<InvalidOperationException>(() => OidcProvider.From(new OidcSettings
        {
            Authority = "not a url", Scopes = ["profile"],
            Roles = new() { ["admin"] = ["it"], [DashboardRoles.Lead] = ["staff"], [DashboardRoles.Auditor] = ["staff"], [DashboardRoles.SiteAdmin] = [] },
        })).Message.Split(Environment.NewLine);
        Assert.Equal(
        [
            "Dashboard:Oidc:Authority: 'not a url' is not an http(s) URL",
            "Dashboard:Oidc:ClientId: is not set (the dashboard's client id at the provider)",
            "Dashboard:Oidc:Scopes: [profile] must include openid",
            "Dashboard:Oidc:Roles:admin: 'admin' is not one of lead, auditor, site-admin",
            "Dashboard:Oidc:Roles:auditor: 'staff' already grants lead: one value grants one role",
            "Dashboard:Oidc:Roles:site-admin: give the groups values that grant site-admin, none empty",
        ], error);
    }

    [Fact]
    public void The_dashboard_reads_its_provider_from_its_settings_and_does_not_start_with_a_wrong_one()
    {
        using var temp = new TempFolder();
        var accounts = new DashboardUsers(temp.Path).File;
        IServiceCollection Dashboard(params (string Key, string Value)[] oidc) => new ServiceCollection().AddDashboardSecurity(new ConfigurationBuilder()
            .AddInMemoryCollection(oidc.Select(o => new KeyValuePair<string, string?>($"Dashboard:Oidc:{o.Key}", o.Value))
                .Append(new KeyValuePair<string, string?>("Dashboard:AccountsFile", accounts))).Build());

        // No section: local accounts only, and no provider to offer.
        Assert.Null(Dashboard().BuildServiceProvider().GetService<OidcProvider>());
        var provider = Dashboard(("Authority", "https://login.hospital.example"), ("ClientId", "fedhealth"), ("DisplayName", "Hospital SSO"),
                ("Roles:lead:0", "fl-leads"), ("Roles:auditor:0", "data-protection"), ("Roles:auditor:1", "audit"))
            .BuildServiceProvider().GetRequiredService<OidcProvider>();
        Assert.Equal(("Hospital SSO", DashboardRoles.Auditor), (provider.DisplayName, provider.Mapping.Decide(Claims("dora", "audit")).Role));
        var wrong = Assert.Throws<InvalidOperationException>(() => Dashboard(("Authority", "http://login.hospital.example"), ("ClientId", "fedhealth"),
            ("Roles:lead:0", "fl-leads")));
        Assert.StartsWith("Dashboard:Oidc:Authority: 'http://login.hospital.example' must use https", wrong.Message);
    }

    [Fact]
    public void Settings_that_map_no_role_are_refused()
    {
        var error = Assert.Throws<InvalidOperationException>(() => OidcProvider.From(new OidcSettings { Authority = Good.Authority, ClientId = "c" }));
        Assert.StartsWith("Dashboard:Oidc:Roles: no role is mapped", error.Message);
    }
}
