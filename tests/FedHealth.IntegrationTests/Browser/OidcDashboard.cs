using FedHealth.Dashboard.Security;

namespace FedHealth.Tests.Browser;

/// <summary>
/// The local federation's dashboard with a hospital's OpenID Connect provider (<see cref="TestIdentityProvider"/>)
/// beside its local accounts; the provider's "groups" claim grants roles: fl-leads → lead, data-protection → auditor,
/// hospital-it → site-admin.
/// </summary>
public sealed class OidcDashboard : LocalDashboard
{
    public const string ProviderName = "Test Hospital SSO";

    public OidcDashboard() => Provider = new TestIdentityProvider(Url + OidcSignIn.CallbackPath)
    {
        Users =
        [
            new("alice", "alice's long password", ["staff", "fl-leads"]),
            new("dora", "dora's long password", ["staff", "data-protection"]),
            new("mallory", "mallory's long password", ["staff"]),
            // Named like the dashboard's local lead account, but the provider grants her only the auditor's role.
            new("lead", "another long password", ["data-protection"]),
        ],
    };

    public TestIdentityProvider Provider { get; }

    public string PasswordAtProvider(string user) => Provider.Users.Single(u => u.Name == user).Password;

    protected override IReadOnlyDictionary<string, string?> DashboardSettings => new Dictionary<string, string?>
    {
        ["Dashboard:Oidc:Authority"] = Provider.Authority,
        ["Dashboard:Oidc:ClientId"] = TestIdentityProvider.ClientId,
        ["Dashboard:Oidc:ClientSecret"] = TestIdentityProvider.ClientSecret,
        ["Dashboard:Oidc:DisplayName"] = ProviderName,
        ["Dashboard:Oidc:Roles:lead:0"] = "fl-leads",
        ["Dashboard:Oidc:Roles:auditor:0"] = "data-protection",
        ["Dashboard:Oidc:Roles:site-admin:0"] = "hospital-it",
        // Device sign-in's command line may poll every 0.2 s instead of 5 s, so its tests wait for nobody.
        ["Dashboard:DeviceSignIn:Interval"] = "00:00:00.200",
        // The tests connect from loopback, as a TLS-ending proxy in front of the dashboard would.
        ["Dashboard:Proxy:KnownProxies:0"] = "127.0.0.1",
    };

    public override async Task InitializeAsync()
    {
        await Provider.StartAsync();
        await base.InitializeAsync();
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await Provider.DisposeAsync();
    }
}
