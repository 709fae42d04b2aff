using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using FedHealth.Dashboard.Security;
using FedHealth.Tests.Support;

namespace FedHealth.Tests.Browser;

/// <summary>
/// Every API route and the hub check the caller's role on the server; a browser's change needs the anti-forgery
/// token; bad input is refused naming what is wrong. Against a running local federation's dashboard.
/// </summary>
public sealed class DashboardApiSecurityTests(LocalDashboard dashboard) : IClassFixture<LocalDashboard>
{
    private static readonly string[] ReadRoutes = ["/api/status", "/api/ledger", "/api/ledger/verify", $"/api/jobs/{Guid.NewGuid()}",
        $"/api/jobs/{Guid.NewGuid()}/model"];

    [Fact]
    public async Task Nobody_signed_out_reads_anything_or_opens_the_live_channel()
    {
        using var http = new HttpClient { BaseAddress = new Uri(dashboard.Url) };
        foreach (var route in ReadRoutes) Assert.Equal(HttpStatusCode.Unauthorized, (await http.GetAsync(route)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await http.PostAsync("/hubs/federation/negotiate?negotiateVersion=1", null)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await http.PostAsJsonAsync("/api/jobs", new { })).StatusCode);
        // The page itself loads (it holds no data) and says so in its headers: only its own scripts may run.
        var page = await http.GetAsync("/");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        var policy = page.Headers.GetValues("Content-Security-Policy").Single();
        Assert.Contains("script-src 'self'", policy);
        // The live channel's WebSocket is same-origin, which 'self' covers; a bare ws: or wss: would allow any host.
        Assert.Contains("connect-src 'self';", policy);
    }

    [Fact]
    public async Task A_wrong_password_is_refused_without_saying_which_part_was_wrong()
    {
        using var http = new HttpClient { BaseAddress = new Uri(dashboard.Url) };
        var wrong = await http.PostAsJsonAsync("/api/token", new SignInRequest("lead", "not the password"));
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        Assert.Contains("user name or password is wrong", await wrong.Content.ReadAsStringAsync());
        var stranger = await http.PostAsJsonAsync("/api/token", new SignInRequest("mallory", "whatever it is"));
        Assert.Equal(await wrong.Content.ReadAsStringAsync(), await stranger.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.BadRequest, (await http.PostAsJsonAsync("/api/token", new SignInRequest("lead", null))).StatusCode);
    }

    [Theory]
    [InlineData("auditor")]
    [InlineData("site-admin")]
    public async Task Auditors_and_site_admins_read_everything_and_change_nothing(string role)
    {
        using var http = await Client(role);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/api/status")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/api/ledger")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/api/ledger/verify")).StatusCode);
        var job = Guid.NewGuid();
        Assert.Equal(HttpStatusCode.Forbidden, (await http.PostAsJsonAsync("/api/jobs", new { })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await http.PostAsJsonAsync($"/api/jobs/{job}/stop", new { reason = "x" })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await http.PostAsJsonAsync($"/api/jobs/{job}/resume", new { })).StatusCode);
    }

    [Fact]
    public async Task A_lead_gets_errors_that_name_the_field_or_the_job()
    {
        using var http = await Client("lead");
        var malformed = await http.PostAsync("/api/jobs", new StringContent("""{"name":"x","rounds":"ten"}""", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, malformed.StatusCode);
        Assert.Contains("$.rounds", await malformed.Content.ReadAsStringAsync());
        var unknown = Guid.NewGuid();
        var stop = await http.PostAsJsonAsync($"/api/jobs/{unknown}/stop", new { reason = "x" });
        Assert.Equal(HttpStatusCode.Conflict, stop.StatusCode);
        Assert.Contains($"no job {unknown}", await stop.Content.ReadAsStringAsync());
        var model = await http.GetAsync($"/api/jobs/{unknown}/model");
        Assert.Equal(HttpStatusCode.NotFound, model.StatusCode);
        var badFilter = await http.GetAsync("/api/ledger?decision=maybe");
        Assert.Equal(HttpStatusCode.BadRequest, badFilter.StatusCode);
        Assert.Equal("decision", JsonDocument.Parse(await badFilter.Content.ReadAsStringAsync()).RootElement.GetProperty("field").GetString());
        var badFormat = await http.GetAsync("/api/ledger/export?format=xlsx");
        Assert.Equal(HttpStatusCode.BadRequest, badFormat.StatusCode);

        // Once answered 500: a null list and an infinite noise multiplier are named, not thrown.
        foreach (var (body, field) in new[]
        {
            ("""{"name":"x","schema":"breast-prognosis","featureNames":["age"],"model":{"kind":"logistic","features":1},"sites":null}""", "sites:"),
            ("""{"name":"x","schema":"breast-prognosis","featureNames":["age"],"model":{"kind":"logistic","features":1},"privacy":{"samplingRate":0.01,"clipNorm":1,"noiseMultiplier":"Infinity"}}""", "privacy.noiseMultiplier:"),
        })
        {
            var check = await http.PostAsync("/api/jobs/check", new StringContent(body, Encoding.UTF8, "application/json"));
            Assert.Equal(HttpStatusCode.OK, check.StatusCode);
            Assert.Contains(JsonDocument.Parse(await check.Content.ReadAsStringAsync()).RootElement.GetProperty("problems").EnumerateArray(),
                p => p.GetString()!.StartsWith(field));
        }
    }

    [Fact]
    public async Task A_browser_session_needs_the_anti_forgery_token_to_sign_in_and_to_change_anything()
    {
        using var http = new HttpClient(new HttpClientHandler { CookieContainer = new CookieContainer() }) { BaseAddress = new Uri(dashboard.Url) };
        var anonymous = (await http.GetFromJsonAsync<SessionInfo>("/api/session", ProcessFederation.Json))!;
        Assert.False(anonymous.SignedIn);
        var credentials = new SignInRequest("lead", dashboard.Password("lead"));
        Assert.Equal(HttpStatusCode.BadRequest, (await http.PostAsJsonAsync("/api/session", credentials)).StatusCode);

        var signIn = new HttpRequestMessage(HttpMethod.Post, "/api/session") { Content = JsonContent.Create(credentials) };
        signIn.Headers.Add(DashboardSecurity.CsrfHeader, anonymous.Csrf);
        var session = (await (await http.SendAsync(signIn)).Content.ReadFromJsonAsync<SessionInfo>(ProcessFederation.Json))!;
        Assert.True(session.SignedIn);
        Assert.Equal("lead", session.Role);

        var job = Guid.NewGuid();
        Assert.Equal(HttpStatusCode.BadRequest, (await http.PostAsJsonAsync($"/api/jobs/{job}/resume", new { })).StatusCode);
        var resume = new HttpRequestMessage(HttpMethod.Post, $"/api/jobs/{job}/resume") { Content = JsonContent.Create(new { }) };
        resume.Headers.Add(DashboardSecurity.CsrfHeader, session.Csrf);
        Assert.Equal(HttpStatusCode.Conflict, (await http.SendAsync(resume)).StatusCode);
    }

    private async Task<HttpClient> Client(string user)
    {
        var http = new HttpClient { BaseAddress = new Uri(dashboard.Url), Timeout = TimeSpan.FromSeconds(30) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer",
            await DashboardUsers.Token(dashboard.Url, user, dashboard.Password(user)));
        return http;
    }
}
