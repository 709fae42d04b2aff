using System.Net;
using System.Net.Http.Json;
using FedHealth.Contracts;
using System.Net.Sockets;
using FedHealth.Cli.Local;
using FedHealth.Tests.Support;
using Microsoft.Playwright;

namespace FedHealth.Tests.Browser;

/// <summary>
/// `fedhealth local --no-job` in this process (coordinator, four site agents, the dashboard on a free port) and
/// Debian's headless Chromium driven by Playwright: what a lead or an auditor opens on their laptop. The breast-prognosis
/// federation unless a subclass names another shipped one (and how many sites it has).
/// </summary>
public class LocalDashboard : IAsyncLifetime
{
    private readonly string federation;
    private readonly int sites;

    public LocalDashboard() : this("breast-prognosis", 4) { }

    // Protected: xUnit builds a class fixture through its one public constructor.
    protected LocalDashboard(string federation, int sites) => (this.federation, this.sites) = (federation, sites);

    private readonly TempFolder temp = new();
    private readonly CancellationTokenSource stop = new();
    private Task? serving;
    private IPlaywright? playwright;

    public string Url { get; } = $"http://127.0.0.1:{FreePort()}";
    public string DataDir => temp.Path;
    public IBrowser Browser { get; private set; } = null!;
    public static string Screenshots { get; } = Directory.CreateDirectory(Path.Combine(Paths.RepositoryRoot, "artifacts", "screenshots")).FullName;

    public string Password(string user) => LocalAccounts.PasswordOf(DataDir, user);

    /// <summary>Further settings of the dashboard (a subclass's OpenID Connect provider); none here.</summary>
    protected virtual IReadOnlyDictionary<string, string?> DashboardSettings => new Dictionary<string, string?>();

    public virtual async Task InitializeAsync()
    {
        var options = new LocalRunOptions
        {
            DataDir = temp.Path, FederationDir = LocalRunOptions.ShippedFederation(federation), Port = new Uri(Url).Port,
            DashboardSettings = DashboardSettings,
        };
        serving = new LocalFederation(options, TextWriter.Null).Serve(stop.Token);
        using var http = new HttpClient { BaseAddress = new Uri(Url) };
        await Eventually.Get(async () => serving.IsFaulted ? throw serving.Exception!.InnerException!
            : (await http.GetAsync("/api/session")).IsSuccessStatusCode ? "up" : null,
            TimeSpan.FromSeconds(90), "the local federation's dashboard to answer");
        // The dashboard answers before the sites' first heartbeats: every test expects all the sites online.
        using (var lead = await LeadClient())
            await Eventually.Get(async () =>
                (await lead.GetFromJsonAsync<FederationStatus>("/api/status", ProcessFederation.Json))!.Sites.Count(s => s.Online) == sites ? "online" : null,
                TimeSpan.FromSeconds(90), $"the local federation's {sites} sites to be online");
        playwright = await Playwright.CreateAsync();
        Browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = "/usr/bin/chromium", Headless = true,
            // Without the networking flags Chromium floods the closed network with refused connections (STACK.md).
            Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync"],
        });
    }

    /// <summary>A fresh browser context (its own cookies) at laptop size, signed in as the user through the sign-in form, typing as a person would.</summary>
    public async Task<IPage> SignIn(string user, int width = 1366, int height = 900)
    {
        var context = await Browser.NewContextAsync(
            new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = width, Height = height }, AcceptDownloads = true });
        context.SetDefaultTimeout(30_000);
        var page = await context.NewPageAsync();
        await page.GotoAsync(Url);
        await page.GetByLabel("User name").WaitForAsync();
        // Keyboard only: the form has focus on the user name, Tab moves to the password, Enter submits.
        await page.Keyboard.TypeAsync(user);
        await page.Keyboard.PressAsync("Tab");
        await page.Keyboard.TypeAsync(Password(user));
        await page.Keyboard.PressAsync("Enter");
        await page.Locator("#user").GetByText(user).WaitForAsync();
        return page;
    }

    /// <summary>Launches a job through the API as the lead (bearer token) on every site's schema; answers its id.</summary>
    public async Task<Guid> LaunchAsLead(int rounds, PersonalisationSpec? personalisation = null, bool secureAggregation = true)
    {
        using var http = await LeadClient();
        var site = (await http.GetFromJsonAsync<FederationStatus>("/api/status", ProcessFederation.Json))!.Sites.First(s => s.Online).LastHeartbeat;
        var spec = new JobSpec
        {
            Name = $"api job ({rounds} rounds)", Schema = site.Schema, FeatureNames = site.FeatureNames, Rounds = rounds, MinSites = 2,
            // The model predicts what the sites' label holds (one output per class for multiclass), as the job form does.
            Model = new ModelSpec { Kind = "logistic", Features = site.FeatureNames.Count, Task = site.Task ?? ModelTasks.Binary, Classes = site.Classes },
            RoundDeadline = TimeSpan.FromSeconds(60),
            Personalisation = personalisation, SecureAggregation = secureAggregation,
        };
        var response = await http.PostAsJsonAsync("/api/jobs", spec, ProcessFederation.Json);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JobAccepted>(ProcessFederation.Json))!.JobId;
    }

    /// <summary>Launches a label-counts job through the API as the lead on every site's schema and waits until it completes.</summary>
    public async Task<Guid> CountedJob()
    {
        using var http = await LeadClient();
        var site = (await http.GetFromJsonAsync<FederationStatus>("/api/status", ProcessFederation.Json))!.Sites.First(s => s.Online).LastHeartbeat;
        var spec = new JobSpec
        {
            Kind = JobKinds.LabelCounts, Name = "rows per label", Schema = site.Schema, FeatureNames = site.FeatureNames, MinSites = 2,
            RoundDeadline = TimeSpan.FromSeconds(60),
        };
        var response = await http.PostAsJsonAsync("/api/jobs", spec, ProcessFederation.Json);
        response.EnsureSuccessStatusCode();
        var id = (await response.Content.ReadFromJsonAsync<JobAccepted>(ProcessFederation.Json))!.JobId;
        await Eventually.Get(async () =>
            (await http.GetFromJsonAsync<JobSummary>($"/api/jobs/{id}", ProcessFederation.Json))!.Status == "completed" ? "done" : null,
            TimeSpan.FromMinutes(2), $"count {id} to complete");
        return id;
    }

    private Task<Guid>? completed;

    /// <summary>One completed job with Ditto personal models (launched on first use), so the ledger has transfers whatever order the tests run in.</summary>
    public Task<Guid> CompletedJob() => completed ??= LaunchAndFinish(new PersonalisationSpec { Method = "ditto" }, secureAggregation: true);

    private Task<Guid>? crossSite;

    /// <summary>One completed fine-tuned job with cross-site evaluation (plain updates), launched on first use.</summary>
    public Task<Guid> CrossSiteJob() =>
        crossSite ??= LaunchAndFinish(new PersonalisationSpec { Method = "finetune", Epochs = 2, CrossSiteEvaluation = true }, secureAggregation: false);

    private async Task<Guid> LaunchAndFinish(PersonalisationSpec personalisation, bool secureAggregation)
    {
        var id = await LaunchAsLead(rounds: 2, personalisation, secureAggregation);
        using var http = await LeadClient();
        await Eventually.Get(async () =>
            (await http.GetFromJsonAsync<JobSummary>($"/api/jobs/{id}", ProcessFederation.Json))!.Status == "completed" ? "done" : null,
            TimeSpan.FromMinutes(3), $"job {id} to complete");
        return id;
    }

    private Task<string>? leadToken;

    /// <summary>The lead's API client; one token for every call, since the dashboard takes at most 10 sign-ins a minute from one address.</summary>
    public async Task<HttpClient> LeadClient()
    {
        var http = new HttpClient { BaseAddress = new Uri(Url), Timeout = TimeSpan.FromSeconds(30) };
        http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer",
            await (leadToken ??= DashboardUsers.Token(Url, "lead", Password("lead"))));
        return http;
    }

    public static Task Screenshot(IPage page, string name) =>
        page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Screenshots, $"{name}.png"), FullPage = true });

    public virtual async Task DisposeAsync()
    {
        if (Browser is not null) await Browser.CloseAsync();
        playwright?.Dispose();
        await stop.CancelAsync();
        if (serving is not null) await serving.WaitAsync(TimeSpan.FromSeconds(60));
        temp.Dispose();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
