using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using FedHealth.Contracts;
using FedHealth.Dashboard.Security;
using FedHealth.Tests.Support;

namespace FedHealth.Tests.Browser;

/// <summary>
/// A cookie or token is only a claim to a live session: signing out, removing the account or changing its role ends
/// it at once. (A class of its own: the sign-in rate limit of its dashboard is per address, and the API tests use it up.)
/// </summary>
public sealed class DashboardSessionTests(LocalDashboard dashboard) : IClassFixture<LocalDashboard>
{
    [Fact]
    public async Task Signing_out_ends_the_session_so_a_copied_cookie_no_longer_works()
    {
        var cookies = new CookieContainer();
        using var browser = new HttpClient(new HttpClientHandler { CookieContainer = cookies }) { BaseAddress = new Uri(dashboard.Url) };
        var anonymous = (await browser.GetFromJsonAsync<SessionInfo>("/api/session", ProcessFederation.Json))!;
        var signIn = new HttpRequestMessage(HttpMethod.Post, "/api/session")
        {
            Content = JsonContent.Create(new SignInRequest("auditor", dashboard.Password("auditor")))
        };
        signIn.Headers.Add(DashboardSecurity.CsrfHeader, anonymous.Csrf);
        var session = (await (await browser.SendAsync(signIn)).Content.ReadFromJsonAsync<SessionInfo>(ProcessFederation.Json))!;
        Assert.True(session.SignedIn);

        // An attacker copies the session cookie before the auditor signs out.
        var copied = cookies.GetCookies(new Uri(dashboard.Url))["fedhealth.session"]!.Value;
        using var thief = new HttpClient { BaseAddress = new Uri(dashboard.Url) };
        thief.DefaultRequestHeaders.Add("Cookie", $"fedhealth.session={copied}");
        Assert.Equal(HttpStatusCode.OK, (await thief.GetAsync("/api/status")).StatusCode);

        var signOut = new HttpRequestMessage(HttpMethod.Delete, "/api/session");
        signOut.Headers.Add(DashboardSecurity.CsrfHeader, session.Csrf);
        Assert.Equal(HttpStatusCode.OK, (await browser.SendAsync(signOut)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await thief.GetAsync("/api/status")).StatusCode);
    }

    [Fact]
    public async Task Removing_an_account_or_changing_its_role_ends_its_tokens_at_once()
    {
        var store = new AccountStore(Path.Combine(dashboard.DataDir, "dashboard-accounts.json"));
        const string password = "a lead who is leaving";
        store.Save("leaving-lead", DashboardRoles.Lead, password);
        using var asLead = new HttpClient { BaseAddress = new Uri(dashboard.Url) };
        asLead.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer",
            await DashboardUsers.Token(dashboard.Url, "leaving-lead", password));
        Assert.Equal(HttpStatusCode.OK, (await asLead.GetAsync("/api/status")).StatusCode);

        // Re-added as an auditor: the token issued to the lead reaches nothing, and lead routes stay closed.
        store.Save("leaving-lead", DashboardRoles.Auditor, password);
        Assert.Equal(HttpStatusCode.Unauthorized, (await asLead.GetAsync("/api/status")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await asLead.PostAsJsonAsync($"/api/jobs/{Guid.NewGuid()}/stop", new { reason = "x" })).StatusCode);

        using var asAuditor = new HttpClient { BaseAddress = new Uri(dashboard.Url) };
        asAuditor.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer",
            await DashboardUsers.Token(dashboard.Url, "leaving-lead", password));
        Assert.Equal(HttpStatusCode.OK, (await asAuditor.GetAsync("/api/status")).StatusCode);
        Assert.True(store.Remove("leaving-lead"));
        Assert.Equal(HttpStatusCode.Unauthorized, (await asAuditor.GetAsync("/api/status")).StatusCode);
    }

    [Fact]
    public async Task A_lead_whose_create_is_retried_with_the_same_idempotency_key_gets_the_job_it_already_made()
    {
        using var http = new HttpClient { BaseAddress = new Uri(dashboard.Url) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer",
            await DashboardUsers.Token(dashboard.Url, "lead", dashboard.Password("lead")));
        var site = (await http.GetFromJsonAsync<FederationStatus>("/api/status", ProcessFederation.Json))!.Sites.First(s => s.Online).LastHeartbeat;
        var spec = new JobSpec
        {
            Name = "retried create", Schema = site.Schema, FeatureNames = site.FeatureNames, Rounds = 1, MinSites = 2,
            Model = new ModelSpec { Kind = "logistic", Features = site.FeatureNames.Count },
        };
        async Task<Guid> Create(string? key)
        {
            var request = new HttpRequestMessage(HttpMethod.Post, "/api/jobs") { Content = JsonContent.Create(spec, options: ProcessFederation.Json) };
            if (key is not null) request.Headers.Add("Idempotency-Key", key);
            var response = await http.SendAsync(request);
            response.EnsureSuccessStatusCode();
            return (await response.Content.ReadFromJsonAsync<JobAccepted>(ProcessFederation.Json))!.JobId;
        }
        var first = await Create("launch-42");
        Assert.Equal(first, await Create("launch-42"));
        Assert.NotEqual(first, await Create("launch-43"));
        Assert.NotEqual(first, await Create(null));
    }
}
