using System.CommandLine;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using FedHealth.Cli;
using FedHealth.Contracts;
using FedHealth.Dashboard.Security;
using FedHealth.Dashboard.Security.Device;
using FedHealth.Tests.Support;
using Microsoft.Playwright;

namespace FedHealth.Tests.Browser;

/// <summary>
/// `fedhealth job login` (device sign-in, RFC 8628) for people the dashboard knows only through the hospital's
/// OpenID Connect provider (a real one, <see cref="TestIdentityProvider"/>): the command line shows a code, the person
/// signed in through the provider approves it on the page, and the command line then acts with that person's role.
/// Approval takes a browser session and its anti-forgery token (never a bearer token), wrong codes are throttled per
/// user, and a device code answers once.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed partial class DeviceSignInTests(OidcDashboard dashboard) : IClassFixture<OidcDashboard>, IDisposable
{
    private const string Provider = OidcDashboard.ProviderName;
    private readonly TempFolder temp = new();

    [Fact]
    public async Task A_lead_known_only_to_the_hospitals_provider_signs_the_command_line_in_from_the_page_then_lists_and_submits_jobs()
    {
        var tokens = Path.Combine(temp.Path, "config", "fedhealth", "tokens.json");
        string[] at = ["--url", dashboard.Url, "--tokens-file", tokens];
        var prompt = new PromptWriter();
        var login = Job(["job", "login", .. at], prompt);
        var code = await prompt.Code.WaitAsync(TimeSpan.FromSeconds(60));
        Assert.Contains($"open {dashboard.Url}/device in a browser", prompt.Text);

        using var browser = new OidcBrowser(dashboard.Url);
        await browser.SignInThroughProvider("alice", dashboard.PasswordAtProvider("alice"));
        var lookup = await browser.Post("/api/device/lookup", new DeviceCodeEntry(code.ToLowerInvariant().Replace("-", "")));
        Assert.Equal(HttpStatusCode.OK, lookup.StatusCode);
        var shown = (await lookup.Content.ReadFromJsonAsync<DeviceRequestView>(ProcessFederation.Json))!;
        Assert.Equal((code, "127.0.0.1", $"fedhealth job on {Environment.MachineName}", $"alice ({Provider})", DashboardRoles.Lead),
            (shown.UserCode, shown.Address, shown.ClaimedClient, shown.User, shown.Role));
        Assert.Equal(HttpStatusCode.OK, (await browser.Post("/api/device/approve", new DeviceDecision(code, Approve: true))).StatusCode);

        var (exit, output, error) = await login.WaitAsync(TimeSpan.FromSeconds(60));
        Assert.True(exit == 0, error);
        Assert.StartsWith($"signed in to {dashboard.Url} as alice ({Provider}) (lead) until ", output);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(tokens));

        (exit, output, error) = await Job(["job", "list", "--json", .. at]);
        Assert.True(exit == 0, error);
        Assert.Equal(JsonValueKind.Array, JsonDocument.Parse(output).RootElement.ValueKind);
        var spec = Path.Combine(temp.Path, "count.json");
        File.WriteAllText(spec, JsonSerializer.Serialize(await CountSpec(), ProcessFederation.Json));
        (exit, output, error) = await Job(["job", "submit", spec, "--json", .. at]);
        Assert.True(exit == 0, error);
        var job = JsonDocument.Parse(output).RootElement.GetProperty("jobId").GetGuid();
        // The dashboard knows who launched it: the provider's user, whose session the token stands for.
        using (var lead = await dashboard.LeadClient())
            Assert.Equal(job, (await lead.GetFromJsonAsync<JobSummary>($"/api/jobs/{job}", ProcessFederation.Json))!.JobId);

        // Signing out ends the session on the dashboard (a copy of the token stops working) and forgets the token here.
        var stored = JsonDocument.Parse(File.ReadAllText(tokens)).RootElement.GetProperty(dashboard.Url).GetProperty("accessToken").GetString()!;
        (exit, output, error) = await Job(["job", "logout", .. at]);
        Assert.True(exit == 0, error);
        Assert.Contains("the dashboard ended its session", output);
        using var copy = Bearer(stored);
        Assert.Equal(HttpStatusCode.Unauthorized, (await copy.GetAsync("/api/status")).StatusCode);
        (exit, _, error) = await Job(["job", "list", .. at]);
        Assert.Equal((1, true), (exit, error.Contains($"run `fedhealth job login --url {dashboard.Url}`")));
    }

    [Fact]
    public async Task An_auditor_at_the_hospital_gets_a_token_that_reads_but_may_not_stop_and_its_device_code_answers_only_once()
    {
        using var browser = new OidcBrowser(dashboard.Url);
        await browser.SignInThroughProvider("dora", dashboard.PasswordAtProvider("dora"));
        var (start, token) = await ApprovedToken(browser);
        using var auditor = Bearer(token);
        var session = (await auditor.GetFromJsonAsync<SessionInfo>("/api/session", ProcessFederation.Json))!;
        Assert.Equal(($"dora ({Provider})", DashboardRoles.Auditor), (session.User, session.Role));
        Assert.Equal(HttpStatusCode.OK, (await auditor.GetAsync("/api/status")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await auditor.PostAsJsonAsync($"/api/jobs/{Guid.NewGuid()}/stop", new { reason = "x" })).StatusCode);
        var (exit, _, error) = await Job(["job", "stop", Guid.NewGuid().ToString(), "--url", dashboard.Url, "--token", token]);
        Assert.Equal((1, true), (exit, error.Contains("role may not")));

        // The device code is spent: polling with it again gives nothing.
        Assert.Equal("invalid_grant", await PollError(start.DeviceCode));
    }

    [Fact]
    public async Task A_denied_request_answers_access_denied_once_and_a_tampered_or_unknown_device_code_is_invalid_grant()
    {
        using var browser = new OidcBrowser(dashboard.Url);
        await browser.SignInThroughProvider("alice", dashboard.PasswordAtProvider("alice"));
        var start = await Start();
        var tampered = (start.DeviceCode[0] == 'A' ? "B" : "A") + start.DeviceCode[1..];
        Assert.Equal("invalid_grant", await PollError(tampered));
        Assert.Equal("invalid_grant", await PollError(DeviceCode.New()));

        Assert.Equal(HttpStatusCode.OK, (await browser.Post("/api/device/approve", new DeviceDecision(start.UserCode, Approve: false))).StatusCode);
        await WaitInterval(start);
        Assert.Equal("access_denied", await PollError(start.DeviceCode));
        Assert.Equal("invalid_grant", await PollError(start.DeviceCode));
        // A decided code no longer opens anything on the page either.
        Assert.Equal(HttpStatusCode.NotFound, (await browser.Post("/api/device/approve", new DeviceDecision(start.UserCode, Approve: true))).StatusCode);

        // The command line says so, and stores nothing.
        var tokens = Path.Combine(temp.Path, "denied", "tokens.json");
        var prompt = new PromptWriter();
        var login = Job(["job", "login", "--url", dashboard.Url, "--tokens-file", tokens], prompt);
        var code = await prompt.Code.WaitAsync(TimeSpan.FromSeconds(60));
        Assert.Equal(HttpStatusCode.OK, (await browser.Post("/api/device/approve", new DeviceDecision(code, Approve: false))).StatusCode);
        var (exit, _, error) = await login.WaitAsync(TimeSpan.FromSeconds(60));
        Assert.Equal((1, true), (exit, error.Contains($"error: device sign-in at {dashboard.Url}: denied in the browser; nothing was stored")));
        Assert.False(File.Exists(tokens));
    }

    [Fact]
    public async Task Approval_takes_the_browsers_session_and_anti_forgery_token_never_a_bearer_token()
    {
        using var browser = new OidcBrowser(dashboard.Url);
        await browser.SignInThroughProvider("alice", dashboard.PasswordAtProvider("alice"));
        var (_, token) = await ApprovedToken(browser);
        var start = await Start();

        Assert.Equal(HttpStatusCode.BadRequest,
            (await browser.Post("/api/device/approve", new DeviceDecision(start.UserCode, Approve: true), withAntiforgery: false)).StatusCode);
        using var withToken = Bearer(token);
        var minted = await withToken.PostAsJsonAsync("/api/device/approve", new DeviceDecision(start.UserCode, Approve: true));
        Assert.Equal(HttpStatusCode.Forbidden, minted.StatusCode);
        Assert.Contains("a bearer token cannot grant tokens", await minted.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.Forbidden, (await withToken.PostAsJsonAsync("/api/device/lookup", new DeviceCodeEntry(start.UserCode))).StatusCode);
        using var anonymous = new HttpClient { BaseAddress = new Uri(dashboard.Url) };
        Assert.Equal(HttpStatusCode.Unauthorized,
            (await anonymous.PostAsJsonAsync("/api/device/approve", new DeviceDecision(start.UserCode, Approve: true))).StatusCode);

        // None of those approved it.
        await WaitInterval(start);
        Assert.Equal("authorization_pending", await PollError(start.DeviceCode));
    }

    [Fact]
    public async Task A_user_who_enters_five_wrong_codes_may_enter_none_even_the_right_one()
    {
        using var browser = new OidcBrowser(dashboard.Url);
        // The provider's "lead" (an auditor here): a user of their own, so the throttle touches no other test.
        await browser.SignInThroughProvider("lead", dashboard.PasswordAtProvider("lead"));
        var start = await Start();
        var wrong = UserCode.Display(UserCode.New());
        for (var i = 0; i < WrongCodeThrottle.MaxFailures; i++)
        {
            var guess = wrong == start.UserCode ? UserCode.Display(UserCode.New()) : wrong;
            Assert.Equal(HttpStatusCode.NotFound, (await browser.Post("/api/device/lookup", new DeviceCodeEntry(guess))).StatusCode);
        }
        var locked = await browser.Post("/api/device/approve", new DeviceDecision(start.UserCode, Approve: true));
        Assert.Equal(HttpStatusCode.TooManyRequests, locked.StatusCode);
        Assert.Contains("too many wrong codes", await locked.Content.ReadAsStringAsync());
        await WaitInterval(start);
        Assert.Equal("authorization_pending", await PollError(start.DeviceCode));
    }

    [Fact]
    public async Task A_local_account_approves_too_and_its_token_stands_for_a_local_session()
    {
        using var browser = new OidcBrowser(dashboard.Url);
        Assert.Equal(HttpStatusCode.OK,
            (await browser.Post("/api/session", new SignInRequest(DashboardRoles.Auditor, dashboard.Password(DashboardRoles.Auditor)))).StatusCode);
        var (_, token) = await ApprovedToken(browser);
        using var auditor = Bearer(token);
        var session = (await auditor.GetFromJsonAsync<SessionInfo>("/api/session", ProcessFederation.Json))!;
        Assert.Equal((DashboardRoles.Auditor, DashboardRoles.Auditor), (session.User, session.Role));
    }

    [Fact]
    public async Task A_person_signed_out_opens_the_device_page_signs_in_through_the_provider_comes_back_and_approves_in_a_real_browser()
    {
        var start = await Start();
        var context = await dashboard.Browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 390, Height = 844 } });
        context.SetDefaultTimeout(30_000);
        var page = await context.NewPageAsync();
        await page.GotoAsync(dashboard.Url + DeviceSignInApi.PagePath);
        await page.GetByRole(AriaRole.Link, new() { Name = $"Sign in with {Provider}" }).ClickAsync();
        await page.GetByLabel("User name").FillAsync("alice");
        await page.GetByLabel("Password").FillAsync(dashboard.PasswordAtProvider("alice"));
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await page.GetByRole(AriaRole.Heading, new() { Name = "Sign in a command line" }).WaitForAsync();
        await DashboardBrowserTests.AccessibleAndFits(page, "device-code-phone");

        await page.GetByRole(AriaRole.Button, new() { Name = "Continue" }).ClickAsync();
        Assert.Equal("Enter the code the command line shows.", await page.Locator("#user-code-error").TextContentAsync());
        await page.GetByLabel("Code").FillAsync(start.UserCode.ToLowerInvariant());
        await page.GetByRole(AriaRole.Button, new() { Name = "Continue" }).ClickAsync();
        await page.GetByRole(AriaRole.Heading, new() { Name = "Let this command line act as you?" }).WaitForAsync();
        var question = await page.Locator("#device-question").InnerTextAsync();
        Assert.Contains("A command line at 127.0.0.1", question);
        Assert.Contains($"asks to act as alice ({Provider}) with role lead until about", question);
        await DashboardBrowserTests.AccessibleAndFits(page, "device-approve-phone");
        await page.GetByRole(AriaRole.Button, new() { Name = "Approve" }).ClickAsync();
        await page.GetByRole(AriaRole.Status).GetByText("Approved").WaitForAsync();
        await context.CloseAsync();

        await WaitInterval(start);
        using var poll = await Poll(start.DeviceCode);
        Assert.Equal(HttpStatusCode.OK, poll.StatusCode);
    }

    /// <summary>A new device sign-in as the command line starts it.</summary>
    private async Task<DeviceAuthorization> Start()
    {
        using var http = new HttpClient { BaseAddress = new Uri(dashboard.Url) };
        var response = await http.PostAsJsonAsync("/api/device", new DeviceAuthorizationRequest("a test"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<DeviceAuthorization>(ProcessFederation.Json))!;
    }

    /// <summary>A device sign-in approved by the person signed in to <paramref name="browser"/>, and the token it gives.</summary>
    private async Task<(DeviceAuthorization Start, string Token)> ApprovedToken(OidcBrowser browser)
    {
        var start = await Start();
        Assert.Equal(HttpStatusCode.OK, (await browser.Post("/api/device/approve", new DeviceDecision(start.UserCode, Approve: true))).StatusCode);
        await WaitInterval(start);
        using var response = await Poll(start.DeviceCode);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (start, JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("accessToken").GetString()!);
    }

    /// <summary>The protocol's own pause (0.2 s here): a poll sooner than the interval would be told to slow down.</summary>
    private static Task WaitInterval(DeviceAuthorization start) => Task.Delay(TimeSpan.FromSeconds(start.Interval));

    private async Task<HttpResponseMessage> Poll(string deviceCode)
    {
        using var http = new HttpClient { BaseAddress = new Uri(dashboard.Url) };
        return await http.PostAsJsonAsync("/api/device/token", new DeviceTokenRequest(deviceCode));
    }

    private async Task<string?> PollError(string deviceCode)
    {
        using var response = await Poll(deviceCode);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("error").GetString();
    }

    private HttpClient Bearer(string token)
    {
        var http = new HttpClient { BaseAddress = new Uri(dashboard.Url), Timeout = TimeSpan.FromSeconds(30) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return http;
    }

    /// <summary>A label-counts job on every site's schema (quick: one secure sum).</summary>
    private async Task<JobSpec> CountSpec()
    {
        using var lead = await dashboard.LeadClient();
        var site = (await lead.GetFromJsonAsync<FederationStatus>("/api/status", ProcessFederation.Json))!.Sites.First(s => s.Online).LastHeartbeat;
        return new JobSpec
        {
            Kind = JobKinds.LabelCounts, Name = "rows per label, from the command line", Schema = site.Schema, FeatureNames = site.FeatureNames, MinSites = 2,
            RoundDeadline = TimeSpan.FromSeconds(60),
        };
    }

    private static async Task<(int Code, string Output, string Error)> Job(string[] args, TextWriter? error = null)
    {
        using var output = new StringWriter();
        error ??= new StringWriter();
        var code = await FedHealthCommands.Root().Parse(args).InvokeAsync(new InvocationConfiguration { Output = output, Error = error });
        return (code, output.ToString(), error.ToString()!);
    }

    /// <summary>Standard error as the login command writes it while it waits: the test reads the code from it as a person would.</summary>
    private sealed partial class PromptWriter : TextWriter
    {
        private readonly StringBuilder text = new();
        private readonly Lock gate = new();
        private readonly TaskCompletionSource<string> code = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task<string> Code => code.Task;
        public string Text { get { lock (gate) return text.ToString(); } }
        public override Encoding Encoding => Encoding.UTF8;
        public override void Write(char value) => Write(value.ToString());
        public override void Write(char[] buffer, int index, int count) => Write(new string(buffer, index, count));

        public override void Write(string? value)
        {
            lock (gate)
            {
                text.Append(value);
                if (CodePattern().Match(text.ToString()) is { Success: true } match) code.TrySetResult(match.Groups[1].Value);
            }
        }

        public override string ToString() => Text;

        [GeneratedRegex("enter the code ([A-Z]{4}-[A-Z]{4})")]
        private static partial Regex CodePattern();
    }

    public void Dispose() => temp.Dispose();
}
