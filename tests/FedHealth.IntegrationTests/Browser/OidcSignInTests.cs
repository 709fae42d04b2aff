using System.Net;
using FedHealth.Dashboard.Security;
using Microsoft.Playwright;

namespace FedHealth.Tests.Browser;

/// <summary>
/// Sign-in through a hospital's OpenID Connect provider (a real one, <see cref="TestIdentityProvider"/>, on loopback)
/// beside the dashboard's local accounts: the provider's groups decide the role, every API checks it as for a local
/// sign-in, a user with no mapped group gets nothing, and an answer from the provider counts once, in the browser that asked.
/// </summary>
public sealed class OidcSignInTests(OidcDashboard dashboard) : IClassFixture<OidcDashboard>
{
    private const string Provider = OidcDashboard.ProviderName;

    [Fact]
    public async Task Behind_a_trusted_proxy_that_ends_TLS_the_provider_sends_the_browser_back_to_the_public_https_address()
    {
        using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = new Uri(dashboard.Url) };
        using var start = new HttpRequestMessage(HttpMethod.Get, OidcSignIn.StartPath);
        start.Headers.Add("X-Forwarded-Proto", "https");
        start.Headers.Add("X-Forwarded-Host", "dashboard.hospital.example");
        start.Headers.Add("X-Forwarded-For", "203.0.113.9");
        using var challenge = await http.SendAsync(start);
        Assert.Equal(HttpStatusCode.Redirect, challenge.StatusCode);
        var authorize = challenge.Headers.Location!.ToString();
        Assert.StartsWith(dashboard.Provider.Authority, authorize);
        Assert.Contains("redirect_uri=" + Uri.EscapeDataString("https://dashboard.hospital.example" + OidcSignIn.CallbackPath), authorize);

        // The device sign-in's verification address says the same; without the headers, the address the dashboard was reached at.
        using var device = new HttpRequestMessage(HttpMethod.Post, "/api/device")
        {
            Content = System.Net.Http.Json.JsonContent.Create(new { client = "test" }),
        };
        device.Headers.Add("X-Forwarded-Proto", "https");
        device.Headers.Add("X-Forwarded-Host", "dashboard.hospital.example");
        using var answer = await http.SendAsync(device);
        Assert.Equal("https://dashboard.hospital.example/device",
            System.Text.Json.JsonDocument.Parse(await answer.Content.ReadAsStringAsync()).RootElement.GetProperty("verificationUri").GetString());
    }

    [Fact]
    public async Task An_auditor_at_the_hospital_reads_everything_changes_nothing_and_opens_the_live_channel()
    {
        using var browser = new OidcBrowser(dashboard.Url);
        var landed = await browser.SignInThroughProvider("dora", dashboard.PasswordAtProvider("dora"));
        Assert.Equal(HttpStatusCode.OK, landed.StatusCode);
        Assert.Equal(new Uri(dashboard.Url + "/"), browser.Visited[^1]);
        // The provider was asked for a code with PKCE, and answered in the query (no token ever in a URL).
        var authorize = browser.Visited.First(u => u.AbsolutePath == "/connect/authorize");
        Assert.Contains("code_challenge_method=S256", authorize.Query);
        Assert.Contains("response_type=code", authorize.Query);
        Assert.DoesNotContain(browser.Visited, u => u.Query.Contains("id_token") || u.Fragment.Length > 0);

        var session = await browser.Session();
        Assert.True(session.SignedIn);
        Assert.Equal($"dora ({Provider})", session.User);
        Assert.Equal(DashboardRoles.Auditor, session.Role);
        Assert.Equal(HttpStatusCode.OK, (await browser.Get(dashboard.Url + "/api/status")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await browser.Get(dashboard.Url + "/api/ledger/verify")).StatusCode);
        Assert.Equal(HttpStatusCode.OK,
            (await browser.Send(new HttpRequestMessage(HttpMethod.Post, dashboard.Url + "/hubs/federation/negotiate?negotiateVersion=1"))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await browser.Post($"/api/jobs/{Guid.NewGuid()}/stop", new { reason = "x" })).StatusCode);
    }

    [Fact]
    public async Task A_lead_at_the_hospital_may_stop_jobs_but_only_with_the_anti_forgery_token()
    {
        using var browser = new OidcBrowser(dashboard.Url);
        await browser.SignInThroughProvider("alice", dashboard.PasswordAtProvider("alice"));
        Assert.Equal(DashboardRoles.Lead, (await browser.Session()).Role);
        var unknown = Guid.NewGuid();
        // Past the role check: the coordinator answers that there is no such job.
        var stop = await browser.Post($"/api/jobs/{unknown}/stop", new { reason = "x" });
        Assert.Equal(HttpStatusCode.Conflict, stop.StatusCode);
        Assert.Contains($"no job {unknown}", await stop.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.BadRequest, (await browser.Post($"/api/jobs/{unknown}/stop", new { reason = "x" }, withAntiforgery: false)).StatusCode);
    }

    [Fact]
    public async Task A_hospital_user_whose_groups_grant_no_role_is_refused_with_a_page_that_says_so_and_gets_no_session()
    {
        using var browser = new OidcBrowser(dashboard.Url);
        var refused = await browser.SignInThroughProvider("mallory", dashboard.PasswordAtProvider("mallory"));
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Equal(OidcSignIn.CallbackPath, browser.Visited[^1].AbsolutePath);
        var page = await refused.Content.ReadAsStringAsync();
        Assert.Contains("You may not use this dashboard", page);
        Assert.Contains($"your account &#x27;mallory&#x27; at {Provider} holds no &#x27;groups&#x27; value", page);
        Assert.False((await browser.Session()).SignedIn);
        Assert.Equal(HttpStatusCode.Unauthorized, (await browser.Get(dashboard.Url + "/api/status")).StatusCode);
    }

    [Fact]
    public async Task A_hospital_user_named_like_a_local_account_gets_only_what_the_provider_grants_and_the_local_account_still_works()
    {
        using var browser = new OidcBrowser(dashboard.Url);
        await browser.SignInThroughProvider("lead", dashboard.PasswordAtProvider("lead"));
        var session = await browser.Session();
        Assert.Equal(($"lead ({Provider})", DashboardRoles.Auditor), (session.User, session.Role));
        Assert.Equal(HttpStatusCode.Forbidden, (await browser.Post($"/api/jobs/{Guid.NewGuid()}/stop", new { reason = "x" })).StatusCode);

        // The local lead account signs in as before (bearer token) and keeps the lead's rights.
        using var local = await dashboard.LeadClient();
        var unknown = Guid.NewGuid();
        Assert.Equal(HttpStatusCode.Conflict, (await local.PostAsync($"/api/jobs/{unknown}/stop", JsonContent(new { reason = "x" }))).StatusCode);
    }

    [Fact]
    public async Task The_providers_answer_signs_in_only_the_browser_that_asked_and_only_once()
    {
        using var asking = new OidcBrowser(dashboard.Url);
        await asking.SignInThroughProvider("alice", dashboard.PasswordAtProvider("alice"), stopBefore: u => u.AbsolutePath == OidcSignIn.CallbackPath);
        var callback = asking.Visited[^1];
        Assert.Contains("code=", callback.Query);

        // Carried to another browser (an attacker who saw the URL): no correlation cookie, no session.
        using var other = new OidcBrowser(dashboard.Url);
        var stolen = await other.Get(callback.ToString());
        Assert.Equal(HttpStatusCode.BadRequest, stolen.StatusCode);
        Assert.Contains("Sign-in did not complete", await stolen.Content.ReadAsStringAsync());
        Assert.False((await other.Session()).SignedIn);

        Assert.Equal(HttpStatusCode.OK, (await asking.Get(callback.ToString())).StatusCode);
        Assert.True((await asking.Session()).SignedIn);
        // Replayed in the browser that asked: its one-time correlation cookie is spent.
        Assert.Equal(HttpStatusCode.BadRequest, (await asking.Get(callback.ToString())).StatusCode);
    }

    [Fact]
    public async Task A_link_elsewhere_cannot_sign_a_user_out_through_the_front_channel_sign_out_address()
    {
        using var browser = new OidcBrowser(dashboard.Url);
        await browser.SignInThroughProvider("dora", dashboard.PasswordAtProvider("dora"));
        // What an OpenID Connect client answers at /signout-oidc by default: the dashboard has no such address.
        Assert.Equal(HttpStatusCode.NotFound, (await browser.Get(dashboard.Url + "/signout-oidc")).StatusCode);
        Assert.True((await browser.Session()).SignedIn);
        Assert.Equal(HttpStatusCode.OK, (await browser.Get(dashboard.Url + "/api/status")).StatusCode);
    }

    [Fact]
    public async Task The_sign_in_page_offers_the_provider_and_a_person_signs_in_through_it_in_a_real_browser()
    {
        var context = await dashboard.Browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 1366, Height = 900 } });
        context.SetDefaultTimeout(30_000);
        var page = await context.NewPageAsync();
        await page.GotoAsync(dashboard.Url);
        await page.GetByRole(AriaRole.Link, new() { Name = $"Sign in with {Provider}" }).WaitForAsync();
        // Signed out: the form and the provider's button, none of the signed-in header.
        foreach (var signedInOnly in new[] { "#nav", "#sign-out", "#live", "#user" })
            Assert.False(await page.Locator(signedInOnly).IsVisibleAsync(), $"{signedInOnly} shows while signed out");
        await DashboardBrowserTests.AccessibleAndFits(page, "oidc-sign-in");
        await page.GetByRole(AriaRole.Link, new() { Name = $"Sign in with {Provider}" }).ClickAsync();
        await page.GetByLabel("User name").FillAsync("alice");
        await page.GetByLabel("Password").FillAsync(dashboard.PasswordAtProvider("alice"));
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await page.Locator("#user").GetByText($"alice ({Provider})").WaitForAsync();
        Assert.Equal("lead", await page.Locator("#user .role").TextContentAsync());
        // The lead's page: the jobs list with its New job action, fed live over the hub.
        await page.GetByRole(AriaRole.Link, new() { Name = "New job" }).WaitForAsync();
        await LocalDashboard.Screenshot(page, "oidc-signed-in-lead");
        await context.CloseAsync();
    }

    [Fact]
    public async Task A_person_whose_groups_grant_no_role_sees_why_in_the_browser_and_finds_the_way_back()
    {
        var context = await dashboard.Browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 390, Height = 844 } });
        context.SetDefaultTimeout(30_000);
        var page = await context.NewPageAsync();
        await page.GotoAsync(dashboard.Url);
        await page.GetByRole(AriaRole.Link, new() { Name = $"Sign in with {Provider}" }).ClickAsync();
        await page.GetByLabel("User name").FillAsync("mallory");
        await page.GetByLabel("Password").FillAsync(dashboard.PasswordAtProvider("mallory"));
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await page.GetByRole(AriaRole.Heading, new() { Name = "You may not use this dashboard" }).WaitForAsync();
        Assert.Contains("holds no 'groups' value that this dashboard maps to a FedHealth role", await page.Locator("#sign-in-refused").TextContentAsync());
        await DashboardBrowserTests.AccessibleAndFits(page, "oidc-refused-phone");
        await page.GetByRole(AriaRole.Link, new() { Name = "Back to sign-in" }).ClickAsync();
        await page.GetByLabel("User name").WaitForAsync();
        await context.CloseAsync();
    }

    private static StringContent JsonContent(object body) =>
        new(System.Text.Json.JsonSerializer.Serialize(body), System.Text.Encoding.UTF8, "application/json");
}
