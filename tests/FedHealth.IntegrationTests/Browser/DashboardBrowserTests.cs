using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Deque.AxeCore.Playwright;
using FedHealth.Contracts;
using FedHealth.Learning.Models;
using FedHealth.Learning.Models.Architectures;
using FedHealth.Privacy.Accounting;
using FedHealth.Privacy.SecureAggregation;
using FedHealth.Tests.Support;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace FedHealth.Tests.Browser;

/// <summary>
/// The dashboard as people use it, in Debian's headless Chromium against a running local federation: a lead
/// launches a job from the form and watches it live, stops and resumes one; an auditor filters the ledger,
/// verifies its chain and exports it, and is refused by the server when trying to launch a job. Screenshots of
/// the main pages go to artifacts/screenshots.
/// </summary>
public sealed class DashboardBrowserTests(LocalDashboard dashboard) : IClassFixture<LocalDashboard>
{
    private static readonly TimeSpan JobWithin = TimeSpan.FromMinutes(3);

    [Fact]
    public async Task A_lead_launches_a_job_from_the_form_watches_rounds_arrive_live_and_takes_away_the_report_and_model()
    {
        var page = await dashboard.SignIn("lead");
        await page.GetByRole(AriaRole.Link, new() { Name = "New job" }).ClickAsync();
        await page.GetByLabel("Name", new() { Exact = true }).FillAsync("e2e breast prognosis");

        // The server's own rules answer as the lead types, at the field they concern.
        var rounds = page.GetByLabel("Rounds", new() { Exact = true });
        await rounds.FillAsync("0");
        await Expect(page.Locator("#f-rounds-problem")).ToContainTextAsync("0 is outside 1..10000");
        await Expect(page.Locator("#launch")).ToBeDisabledAsync();
        await rounds.FillAsync("3");
        await page.GetByLabel("Round deadline (seconds)").FillAsync("60");

        // A robust strategy needs single updates: refused at the strategy field while secure aggregation is on.
        await page.GetByLabel("Strategy").SelectOptionAsync("fedmedian");
        await Expect(page.Locator("[id='f-strategy.name-problem']")).ToContainTextAsync("secure aggregation hides");
        await Expect(page.Locator("#launch")).ToBeDisabledAsync();
        await page.GetByLabel("Strategy").SelectOptionAsync("fedprox");
        await Expect(page.GetByLabel("Proximal term μ (FedProx)")).ToBeVisibleAsync();
        await Expect(page.Locator("[id='f-strategy.name-problem']")).ToBeEmptyAsync();
        await page.GetByLabel("Strategy").SelectOptionAsync("fedavg");

        // DP-SGD: the ε per round is the accountant's, for these settings.
        await page.GetByLabel("Record-level differential privacy").CheckAsync();
        var expected = JobPrivacyEstimate.For(new JobSpec
        {
            Name = "x", Schema = "breast-prognosis", FeatureNames = [], Model = new ModelSpec { Kind = "logistic", Features = 8 }, Rounds = 3,
            Privacy = new DpSgdSettings { NoiseMultiplier = 1.1, ClipNorm = 1.0, SamplingRate = 0.1 },
        }, 1e-5);
        await Expect(page.Locator("#epsilon")).ToContainTextAsync($"ε ≈ {expected.EpsilonPerRound:F3} per round");
        // A personal model would train on records outside the accountant: refused beside DP-SGD, in the summary.
        await page.GetByLabel("Personal model per site").SelectOptionAsync("ditto");
        await Expect(page.GetByLabel("Ditto λ")).ToBeVisibleAsync();
        await Expect(page.Locator("#check")).ToContainTextAsync("personalisation: not yet available with record-level DP");
        await page.GetByLabel("Record-level differential privacy").UncheckAsync();
        // Cross-site evaluation sends personal models on: refused at its field while secure aggregation is on.
        await page.GetByLabel("Cross-site evaluation").CheckAsync();
        await Expect(page.Locator("[id='f-personalisation.crossSiteEvaluation-problem']")).ToContainTextAsync("refused with secureAggregation");
        await page.GetByLabel("Cross-site evaluation").UncheckAsync();
        await Expect(page.Locator("[id='f-personalisation.crossSiteEvaluation-problem']")).ToBeEmptyAsync();
        await page.GetByLabel("Record-level differential privacy").CheckAsync();
        await page.GetByLabel("Personal model per site").SelectOptionAsync("");
        await Expect(page.GetByLabel("Cross-site evaluation")).ToBeHiddenAsync();
        // The secure sum's ring is offered only with secure aggregation: 32 bits, half the bytes.
        var ring = page.GetByLabel("Ring of the secure sum");
        await page.GetByLabel("Secure aggregation").UncheckAsync();
        await Expect(ring).ToBeHiddenAsync();
        await page.GetByLabel("Secure aggregation").CheckAsync();
        await ring.SelectOptionAsync("32");
        // A sparse masking graph (SecAgg+): k and t are filled in for the sites that would take part, and checked as typed.
        await page.GetByLabel("Who masks with whom").SelectOptionAsync("sparse");
        var (k, t, _) = SparseGraphParameters.Suggested(4);
        await Expect(page.Locator("#graph-suggestion")).ToContainTextAsync("For 4 sites");
        await Expect(page.GetByLabel("Neighbours per site k (even)")).ToHaveValueAsync(k.ToString());
        await Expect(page.GetByLabel("Threshold t (shares that rebuild a site's secrets)")).ToHaveValueAsync(t.ToString());
        await page.GetByLabel("Neighbours per site k (even)").FillAsync("3");
        await Expect(page.Locator("#f-secureAggregationNeighbours-problem")).ToContainTextAsync("must be an even number");
        await page.GetByLabel("Neighbours per site k (even)").FillAsync(k.ToString());
        await Expect(page.Locator("#f-secureAggregationNeighbours-problem")).ToBeEmptyAsync();
        // Every round's model kept besides the latest and the best; at most one a round.
        var checkpoints = page.GetByLabel("Keep every k-th round's model");
        await checkpoints.FillAsync("4");
        await Expect(page.Locator("#f-checkpointEvery-problem")).ToContainTextAsync("must lie in 0..3");
        await checkpoints.FillAsync("1");
        await Expect(page.Locator("#f-checkpointEvery-problem")).ToBeEmptyAsync();
        await Expect(page.Locator("#check")).ToContainTextAsync("Ready: 4 sites would take part");
        // The task comes from the sites' label (their heartbeats say which), never from the lead.
        await Expect(page.Locator("#task")).ToContainTextAsync("Task: binary outcome");
        await AccessibleAndFits(page, "new-job-form");

        await page.GetByRole(AriaRole.Button, new() { Name = "Launch job" }).ClickAsync();
        await page.WaitForURLAsync(new Regex("#/jobs/[0-9a-f-]{36}$"));
        var jobId = page.Url[^36..];

        // Rounds arrive over SignalR while the page stays open; the job ends with its report.
        await Expect(page.Locator("#job-title .badge")).ToHaveTextAsync("completed", new() { Timeout = (float)JobWithin.TotalMilliseconds });
        await Expect(page.Locator("#participation tbody tr")).ToHaveCountAsync(3);
        Assert.True(int.Parse(await page.Locator("main > .view").GetAttributeAsync("data-live-rounds") ?? "0") > 0, "no round reached the open page live");
        await Expect(page.Locator("#participation tbody td.took-part")).ToHaveCountAsync(12);
        await Expect(page.Locator("#budgets tbody tr")).ToHaveCountAsync(4);
        // Fairness: every site scores the global model by age band and menopausal status (the schemas declare both).
        await Expect(page.Locator("#fairness tbody tr")).ToHaveCountAsync(8);
        await Expect(page.Locator("#fairness tbody")).ToContainTextAsync("menopausal status");
        await Expect(page.Locator("#fairness tbody")).ToContainTextAsync("postmenopausal");
        // ... and round by round: one line per site and attribute.
        await Expect(page.Locator("#fairness-figure")).ToBeVisibleAsync();
        Assert.Equal(8, await page.EvaluateAsync<int>("() => Chart.getChart(document.querySelector('#fairness-chart')).data.datasets.length"));
        await Expect(page.Locator("#report")).ToContainTextAsync("Global model after round 3");
        // A binary job's figures by their names (metrics.js): AUC, accuracy and loss; no survival pair counts.
        await Expect(page.Locator("#site-report thead")).ToHaveTextAsync(new Regex("^Site\\s*AUC\\s*Accuracy\\s*Loss\\s*Held-out rows$"));
        await Expect(page.Locator("#pairs-note")).ToHaveCountAsync(0);
        // The ring and the kept models the form asked for, in the job's spec and on its page.
        using (var job = JsonDocument.Parse(await page.EvaluateAsync<string>($"async () => await (await fetch('/api/jobs/{jobId}')).text()")))
        {
            var spec = job.RootElement.GetProperty("spec");
            Assert.Equal(JobKinds.Training, spec.GetProperty("kind").GetString());
            Assert.Equal(32, spec.GetProperty("secureAggregationRingBits").GetInt32());
            Assert.Equal("sparse", spec.GetProperty("secureAggregationGraph").GetString());
            Assert.Equal(k, spec.GetProperty("secureAggregationNeighbours").GetInt32());
            Assert.Equal(t, spec.GetProperty("secureAggregationThreshold").GetInt32());
            Assert.Equal(1, spec.GetProperty("checkpointEvery").GetInt32());
        }
        await Expect(page.Locator("#kept-models a")).ToHaveTextAsync(["round 1", "round 2", "round 3"]);
        await AccessibleAndFits(page, "job-page-laptop");
        await page.SetViewportSizeAsync(2560, 1440);
        await LocalDashboard.Screenshot(page, "job-page-large-screen");
        await page.SetViewportSizeAsync(1366, 900);

        // The final model, as a file that names its format, features and round, with weights of the model's shape.
        var download = await page.RunAndWaitForDownloadAsync(() => page.GetByRole(AriaRole.Link, new() { Name = "Download the final model" }).ClickAsync());
        using var file = JsonDocument.Parse(await File.ReadAllTextAsync((await download.PathAsync())!));
        Assert.Equal("fedhealth-model/1", file.RootElement.GetProperty("format").GetString());
        Assert.Equal(3, file.RootElement.GetProperty("round").GetInt32());
        var model = file.RootElement.GetProperty("model").Deserialize<ModelSpec>(WireJson.Options)!;
        var weights = file.RootElement.GetProperty("weights").Deserialize<ModelWeights>(WireJson.Options)!;
        FlatParameters.Validate(ParameterLayout.For(model), weights);

        // Everything on the page comes from the journal: a reload shows the same.
        await page.ReloadAsync();
        await Expect(page.Locator("#job-title .badge")).ToHaveTextAsync("completed");
        await Expect(page.Locator("#participation tbody tr")).ToHaveCountAsync(3);
        Assert.Contains(jobId, page.Url);

        // A change sent from the browser without the anti-forgery token is refused, even for a lead.
        var forged = await page.EvaluateAsync<int>(
            "async () => (await fetch('/api/jobs', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}' })).status");
        Assert.Equal(400, forged);

        await page.GetByRole(AriaRole.Link, new() { Name = "Jobs" }).ClickAsync();
        await Expect(page.Locator("#jobs-table")).ToContainTextAsync("e2e breast prognosis");
        await AccessibleAndFits(page, "jobs-list");
        await page.GetByRole(AriaRole.Link, new() { Name = "Sites" }).ClickAsync();
        await Expect(page.Locator("#sites-table tbody tr")).ToHaveCountAsync(4);
        await Expect(page.Locator("#sites-table")).ToContainTextAsync("CPU");
        await AccessibleAndFits(page, "sites");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task A_lead_declares_a_network_sees_its_parameters_and_digest_and_a_broken_layer_named_and_launches_it()
    {
        IReadOnlyList<string> features;
        using (var http = await dashboard.LeadClient())
            features = (await http.GetFromJsonAsync<FederationStatus>("/api/status", ProcessFederation.Json))!.Sites
                .First(s => s.Online).LastHeartbeat.FeatureNames;
        string DigestOf(ModelSpec model) => Architecture.Resolve(model, features).Digest;
        var page = await dashboard.SignIn("lead");
        await page.GetByRole(AriaRole.Link, new() { Name = "New job" }).ClickAsync();
        var digest = page.Locator("#model-digest");
        var parameters = page.Locator("#model-check .parameters");
        // The presets are architectures too: logistic regression's parameters and digest before anything is declared.
        await Expect(digest).ToHaveTextAsync(DigestOf(new ModelSpec { Kind = "logistic", Features = features.Count }));
        await Expect(parameters).ToHaveTextAsync($"{features.Count + 1} parameters");

        // A declared network starts from the example: its figures, each layer's output shape, and every site's policy accepting it.
        await page.GetByLabel("Model", new() { Exact = true }).SelectOptionAsync("declared");
        var layers = page.GetByLabel("Layers (JSON)");
        await Expect(layers).ToBeVisibleAsync();
        await Expect(parameters).ToHaveTextAsync($"{(features.Count + 1) * 16 + 17} parameters");
        await Expect(page.Locator("#model-layers li")).ToHaveTextAsync(new Regex[] { new(@"linear.*\[16\]"), new(@"relu.*\[16\]"), new(@"linear.*\[1\]") });
        await Expect(page.Locator("#model-sites")).ToContainTextAsync("Accepted by the policies of");

        // A layer that cannot take its input is named at the field, and the job cannot launch; so is JSON that does not parse.
        var problem = page.Locator("[id='f-model.layers-problem']");
        await layers.FillAsync("""[{"kind":"linear","units":16},{"kind":"conv2d","units":4,"kernel":3},{"kind":"linear","units":1}]""");
        await Expect(problem).ToContainTextAsync("layer 1 (conv2d)");
        await Expect(layers).ToHaveAttributeAsync("aria-invalid", "true");
        await Expect(page.Locator("#launch")).ToBeDisabledAsync();
        await Expect(digest).ToHaveCountAsync(0);
        await layers.FillAsync("""[{"kind":"linear","units":8},""");
        await Expect(problem).ToContainTextAsync("not valid JSON");
        await Expect(page.Locator("#launch")).ToBeDisabledAsync();

        var declared = new ModelSpec
        {
            Kind = "declared", Features = features.Count,
            Layers = [new LayerSpec { Kind = "linear", Units = 8 }, new LayerSpec { Kind = "tanh" }, new LayerSpec { Kind = "linear", Units = 1 }],
        };
        await layers.FillAsync("""[{"kind":"linear","units":8},{"kind":"tanh"},{"kind":"linear","units":1}]""");
        await Expect(problem).ToBeEmptyAsync();
        await Expect(digest).ToHaveTextAsync(DigestOf(declared));
        var shown = await digest.TextContentAsync();
        await Expect(parameters).ToHaveTextAsync($"{(features.Count + 1) * 8 + 9} parameters");
        await page.GetByLabel("Name", new() { Exact = true }).FillAsync("e2e declared network");
        await page.GetByLabel("Rounds", new() { Exact = true }).FillAsync("2");
        await page.GetByLabel("Round deadline (seconds)").FillAsync("60");
        await Expect(page.Locator("#check")).ToContainTextAsync("Ready: 4 sites would take part");
        await AccessibleAndFits(page, "new-job-declared-network");

        await page.GetByRole(AriaRole.Button, new() { Name = "Launch job" }).ClickAsync();
        await page.WaitForURLAsync(new Regex("#/jobs/[0-9a-f-]{36}$"));
        // The job page names the same network, by its layers, with the digest the form showed and its parameter count.
        await Expect(page.Locator("#model-digest")).ToHaveTextAsync(shown!);
        await Expect(page.Locator("#model-description")).ToHaveTextAsync("declared network: linear 8 → tanh → linear 1");
        await Expect(page.Locator("#job-model .parameters")).ToHaveTextAsync($"{(features.Count + 1) * 8 + 9} parameters");
        await Expect(page.Locator("#job-title .badge")).ToHaveTextAsync("completed", new() { Timeout = (float)JobWithin.TotalMilliseconds });
        await Expect(page.Locator("#participation tbody tr")).ToHaveCountAsync(2);
        await AccessibleAndFits(page, "job-page-declared-network");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task A_label_count_shows_the_consortiums_rows_per_label_in_the_job_list_and_its_page()
    {
        var id = await dashboard.CountedJob();
        var page = await dashboard.SignIn("auditor");
        await page.GotoAsync($"{dashboard.Url}/#/jobs");
        await Expect(page.Locator("#jobs-table")).ToContainTextAsync("rows per label");
        await Expect(page.Locator("#jobs-table")).ToContainTextAsync("3,264 rows".Replace(",", ""));
        await page.GotoAsync($"{dashboard.Url}/#/jobs/{id}");
        var table = page.Locator("#label-counts");
        await Expect(table).ToContainTextAsync("1,704");
        await Expect(table).ToContainTextAsync("1,560");
        await Expect(table.Locator("tr", new() { HasText = "Total" })).ToContainTextAsync("3,264");
        await Expect(page.Locator("#job-title")).ToContainTextAsync("completed");
        await Expect(page.Locator("#auc-chart")).ToHaveCountAsync(0); // no training figures for a count
        await LocalDashboard.Screenshot(page, "label-counts");
    }

    [Fact]
    public async Task A_lead_counts_rows_per_label_from_the_form_which_shows_only_what_a_count_uses()
    {
        var page = await dashboard.SignIn("lead");
        await page.GetByRole(AriaRole.Link, new() { Name = "New job" }).ClickAsync();
        var kind = page.GetByLabel("Kind of job");
        await Expect(kind).ToHaveValueAsync("training");
        await kind.SelectOptionAsync("label-counts");
        // No model, strategy, rounds, training or privacy settings: a count is one round under secure aggregation.
        foreach (var label in new[] { "Model", "Strategy", "Personal model per site", "Rounds", "Keep every k-th round's model", "Seed", "Local epochs" })
            await Expect(page.GetByLabel(label, new() { Exact = true })).ToBeHiddenAsync();
        await Expect(page.GetByLabel("Secure aggregation")).ToBeHiddenAsync();
        await Expect(page.GetByLabel("Record-level differential privacy")).ToBeHiddenAsync();
        foreach (var label in new[] { "Name", "Data schema", "Minimum sites per round", "Round deadline (seconds)" })
            await Expect(page.GetByLabel(label, new() { Exact = true })).ToBeVisibleAsync();
        await Expect(page.Locator("#site-choices input:checked")).ToHaveCountAsync(4);
        // Back to training shows them again; then the count.
        await kind.SelectOptionAsync("training");
        await Expect(page.GetByLabel("Model", new() { Exact = true })).ToBeVisibleAsync();
        await kind.SelectOptionAsync("label-counts");
        await page.GetByLabel("Name", new() { Exact = true }).FillAsync("e2e rows per label");
        await Expect(page.Locator("#check")).ToContainTextAsync("Ready: 4 sites would take part");
        await AccessibleAndFits(page, "new-count-form");

        await page.GetByRole(AriaRole.Button, new() { Name = "Launch job" }).ClickAsync();
        await page.WaitForURLAsync(new Regex("#/jobs/[0-9a-f-]{36}$"));
        var table = page.Locator("#label-counts");
        await Expect(table.Locator("tr", new() { HasText = "Total" })).ToContainTextAsync("3,264", new() { Timeout = (float)JobWithin.TotalMilliseconds });
        await Expect(table).ToContainTextAsync("1,704");
        await Expect(table).ToContainTextAsync("1,560");
        await Expect(page.Locator("#job-title")).ToContainTextAsync("e2e rows per label");
        await Expect(page.Locator("#job-title .badge")).ToHaveTextAsync("completed");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task A_lead_stops_a_running_job_and_resumes_it_and_a_reload_shows_the_same()
    {
        var jobId = await dashboard.LaunchAsLead(rounds: 500);
        var page = await dashboard.SignIn("lead");
        await page.GotoAsync($"{dashboard.Url}/#/jobs/{jobId}");
        await Expect(page.Locator("#participation tbody tr").First).ToBeVisibleAsync(new() { Timeout = (float)JobWithin.TotalMilliseconds });

        page.Dialog += async (_, dialog) => await dialog.AcceptAsync("maintenance window");
        await page.GetByRole(AriaRole.Button, new() { Name = "Stop job" }).ClickAsync();
        await Expect(page.Locator("#job-title .badge")).ToHaveTextAsync("paused");
        await Expect(page.Locator("#job-detail")).ToContainTextAsync("paused by lead: maintenance window");
        await page.ReloadAsync();
        await Expect(page.Locator("#job-title .badge")).ToHaveTextAsync("paused");
        var roundsWhenPaused = await page.Locator("#participation tbody tr").CountAsync();
        await LocalDashboard.Screenshot(page, "job-paused");

        await page.GetByRole(AriaRole.Button, new() { Name = "Resume job" }).ClickAsync();
        await Expect(page.Locator("#job-title .badge")).Not.ToHaveTextAsync("paused");
        await Expect(page.Locator("#participation tbody tr")).Not.ToHaveCountAsync(roundsWhenPaused, new() { Timeout = (float)JobWithin.TotalMilliseconds });
        // Leave the long job paused so it does not compete with later tests for the CPU.
        await page.GetByRole(AriaRole.Button, new() { Name = "Stop job" }).ClickAsync();
        await Expect(page.Locator("#job-title .badge")).ToHaveTextAsync("paused");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task An_auditor_filters_verifies_and_exports_the_ledger_sees_it_grow_live_and_is_refused_a_launch()
    {
        var completed = await dashboard.CompletedJob();
        var page = await dashboard.SignIn("auditor");
        await Expect(page).ToHaveURLAsync(new Regex("#/ledger$"));

        // Auditors read job reports too: this one names its personal models' scores beside the global model's.
        await page.GotoAsync($"{dashboard.Url}/#/jobs/{completed}");
        await Expect(page.Locator("#site-report thead")).ToContainTextAsync("Personal model AUC (ditto)");
        await Expect(page.Locator("#site-report tbody tr")).ToHaveCountAsync(4);
        foreach (var cell in await page.Locator("#site-report tbody td:nth-child(6)").AllInnerTextsAsync()) Assert.Matches(@"^0\.\d+$", cell);
        await Expect(page.Locator("#cross-site-section")).ToBeHiddenAsync();

        // A job with cross-site evaluation: every final model on every site's held-out rows, and the personal models' travel in the ledger.
        var crossSite = await dashboard.CrossSiteJob();
        await page.GotoAsync($"{dashboard.Url}/#/jobs/{crossSite}");
        await Expect(page.Locator("#cross-site-matrix tbody tr")).ToHaveCountAsync(5);
        await Expect(page.Locator("#cross-site-matrix tbody tr").First).ToContainTextAsync("global");
        await Expect(page.Locator("#cross-site-matrix td.own")).ToHaveCountAsync(4);
        foreach (var cell in await page.Locator("#cross-site-matrix tbody td").AllInnerTextsAsync()) Assert.Matches(@"^0\.\d+( \(own\))?$", cell);
        await AccessibleAndFits(page, "cross-site-report");
        await page.GotoAsync($"{dashboard.Url}/#/ledger");
        var rows = page.Locator("#ledger-table tbody tr");
        await Expect(rows.First).Not.ToHaveClassAsync("empty");

        await page.GetByLabel("Data kind").SelectOptionAsync("maskedModelUpdate");
        await page.GetByLabel("Site", new() { Exact = true }).SelectOptionAsync("DE-GBSG");
        // The table names the query it shows: wait for the one with both filters (the count alone said "matching" before).
        await Expect(page.Locator("#ledger-table")).ToHaveAttributeAsync("data-query", "site=DE-GBSG&dataKind=maskedModelUpdate");
        await Expect(page.Locator("#ledger-count")).ToContainTextAsync("matching entr");
        foreach (var cell in await page.Locator("#ledger-table tbody tr td:nth-child(6)").AllInnerTextsAsync()) Assert.Equal("maskedModelUpdate", cell);
        foreach (var from in await page.Locator("#ledger-table tbody tr td:nth-child(4)").AllInnerTextsAsync()) Assert.StartsWith("DE-GBSG", from);

        await page.GetByRole(AriaRole.Button, new() { Name = "Verify chain" }).ClickAsync();
        await Expect(page.Locator("#verification")).ToContainTextAsync("Chain intact");
        await AccessibleAndFits(page, "ledger-filtered-verified");

        var csv = await page.RunAndWaitForDownloadAsync(() => page.GetByRole(AriaRole.Link, new() { Name = "Export CSV" }).ClickAsync());
        var lines = await File.ReadAllLinesAsync((await csv.PathAsync())!);
        Assert.StartsWith("index,at,job,round,sender", lines[0]);
        Assert.True(lines.Length > 1);
        Assert.All(lines.Skip(1), l => Assert.Contains(",maskedModelUpdate,", l));
        var json = await page.RunAndWaitForDownloadAsync(() => page.GetByRole(AriaRole.Link, new() { Name = "Export JSON" }).ClickAsync());
        var exported = JsonSerializer.Deserialize<List<TransferRecord>>(await File.ReadAllTextAsync((await json.PathAsync())!), WireJson.Options)!;
        Assert.Equal(lines.Length - 1, exported.Count);

        // New transfers stream in while the page is open.
        await page.GetByRole(AriaRole.Button, new() { Name = "Clear filters" }).ClickAsync();
        await Expect(page.Locator("#ledger-table tbody tr.new")).ToHaveCountAsync(0);
        await dashboard.LaunchAsLead(rounds: 1);
        await Expect(page.Locator("#ledger-table tbody tr.new").First).ToBeVisibleAsync(new() { Timeout = (float)JobWithin.TotalMilliseconds });

        // An auditor reads everything and changes nothing: the page does not offer a launch, and the server refuses one.
        await page.GetByRole(AriaRole.Link, new() { Name = "Jobs" }).ClickAsync();
        await Expect(page.Locator("#jobs-table tbody tr").First).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "New job" })).ToHaveCountAsync(0);
        var status = await page.EvaluateAsync<int>(@"async () => {
            const session = await (await fetch('/api/session')).json();
            const response = await fetch('/api/jobs', { method: 'POST', headers: { 'Content-Type': 'application/json', 'X-CSRF-TOKEN': session.csrf }, body: '{}' });
            return response.status; }");
        Assert.Equal(403, status);
        await page.Context.CloseAsync();
    }

    /// <summary>No serious or critical accessibility violation (axe-core), no sideways scrolling, and a screenshot.</summary>
    internal static async Task AccessibleAndFits(IPage page, string name)
    {
        await LocalDashboard.Screenshot(page, name);
        var axe = await page.RunAxe();
        var serious = axe.Violations.Where(v => v.Impact is "serious" or "critical")
            .Select(v => $"{v.Id}: {v.Help} ({string.Join("; ", v.Nodes.Take(3).Select(n => n.Html))})").ToList();
        Assert.True(serious.Count == 0, $"{name}: {string.Join("\n", serious)}");
        Assert.True(await page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= window.innerWidth + 1"),
            $"{name}: the page scrolls sideways");
    }
}
