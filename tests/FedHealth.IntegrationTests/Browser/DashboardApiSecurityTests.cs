using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using FedHealth.Contracts;
using FedHealth.Dashboard.Security;
using FedHealth.Learning.Models.Architectures;
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
    public async Task Forwarded_headers_are_ignored_when_no_proxy_is_configured_so_nobody_can_claim_another_scheme_host_or_address()
    {
        using var http = new HttpClient { BaseAddress = new Uri(dashboard.Url) };
        using var device = new HttpRequestMessage(HttpMethod.Post, "/api/device") { Content = JsonContent.Create(new { client = "test" }) };
        device.Headers.Add("X-Forwarded-Proto", "https");
        device.Headers.Add("X-Forwarded-Host", "evil.example");
        device.Headers.Add("X-Forwarded-For", "203.0.113.9");
        using var answer = await http.SendAsync(device);
        answer.EnsureSuccessStatusCode();
        Assert.Equal(dashboard.Url + "/device",
            System.Text.Json.JsonDocument.Parse(await answer.Content.ReadAsStringAsync()).RootElement.GetProperty("verificationUri").GetString());
    }

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
    public async Task A_lead_checks_a_model_and_sees_its_figures_the_layer_that_does_not_fit_or_the_field_a_body_gets_wrong()
    {
        using var http = await dashboard.LeadClient();
        var features = (await http.GetFromJsonAsync<FederationStatus>("/api/status", ProcessFederation.Json))!.Sites
            .First(s => s.Online).LastHeartbeat.FeatureNames;
        async Task<(HttpStatusCode Status, JsonElement Body)> Check(string body)
        {
            var response = await http.PostAsync("/api/models/check", new StringContent(body, Encoding.UTF8, "application/json"));
            return (response.StatusCode, JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone());
        }
        var names = JsonSerializer.Serialize(features);
        string Declared(string layers) => $$"""{"model":{"kind":"declared","features":{{features.Count}},"layers":{{layers}}},"featureNames":{{names}}}""";

        // Every online site on the schema advertises no models section, so each would train a model that builds.
        var (status, good) = await Check(Declared("""[{"kind":"linear","units":16},{"kind":"relu"},{"kind":"linear","units":1}]"""));
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal((features.Count + 1) * 16 + 17, good.GetProperty("parameters").GetInt64());
        var expected = Architecture.Resolve(new ModelSpec
        {
            Kind = "declared", Features = features.Count,
            Layers = [new LayerSpec { Kind = "linear", Units = 16 }, new LayerSpec { Kind = "relu" }, new LayerSpec { Kind = "linear", Units = 1 }],
        }, features);
        Assert.Equal(expected.Digest, good.GetProperty("digest").GetString());
        Assert.Matches("^sha256:[0-9a-f]{64}$", expected.Digest);
        Assert.Equal(["[16]", "[16]", "[1]"], good.GetProperty("layers").EnumerateArray().Select(l => l.GetProperty("output").GetRawText().Replace(" ", "")));
        Assert.Empty(good.GetProperty("problems").EnumerateArray());
        Assert.Equal(4, good.GetProperty("accepting").GetArrayLength());
        Assert.Empty(good.GetProperty("refusing").EnumerateArray());

        // A network whose shapes cannot fit is answered (200) with the problem naming the layer, and no figures.
        var (impossibleStatus, impossible) = await Check(Declared("""[{"kind":"linear","units":4},{"kind":"conv2d","units":2,"kernel":3}]"""));
        Assert.Equal(HttpStatusCode.OK, impossibleStatus);
        Assert.StartsWith("model.layers: layer 1 (conv2d)", Assert.Single(impossible.GetProperty("problems").EnumerateArray()).GetString());
        Assert.Equal(JsonValueKind.Null, impossible.GetProperty("digest").ValueKind);

        // A body of the wrong shape is refused (400) naming the field.
        foreach (var (body, field) in new[]
        {
            (Declared("""{"kind":"linear","units":1}"""), "$.model.layers"),
            (Declared("""[{"kind":"linear","units":"sixteen"}]"""), "$.model.layers[0].units"),
            ($$"""{"featureNames":{{names}}}""", "model:"),
            ("""{"model":{"kind":"logistic","features":1}}""", "featureNames:"),
        })
        {
            var (badStatus, bad) = await Check(body);
            Assert.Equal(HttpStatusCode.BadRequest, badStatus);
            Assert.Contains(field, bad.GetProperty("error").GetString());
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
