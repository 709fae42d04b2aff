using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace FedHealth.Tests.Browser;

/// <summary>The digits federation (five sites, ten classes) behind the dashboard.</summary>
public sealed class DigitsDashboard() : LocalDashboard("digits", 5);

/// <summary>A multiclass job as a lead sees it: its own figures by their names, the confusion matrix, no AUC column or NaN.</summary>
public sealed class MulticlassDashboardTests(DigitsDashboard dashboard) : IClassFixture<DigitsDashboard>
{
    [Fact]
    public async Task A_multiclass_jobs_page_shows_accuracy_balanced_accuracy_macro_auc_and_the_pooled_confusion_matrix()
    {
        var jobId = await dashboard.LaunchAsLead(rounds: 2);
        var page = await dashboard.SignIn("lead");
        await page.GotoAsync($"{dashboard.Url}/#/jobs/{jobId}");
        await Expect(page.Locator("#job-title .badge")).ToHaveTextAsync("completed", new() { Timeout = 120_000 });
        await Expect(page.Locator("#job-facts")).ToContainTextAsync("task multiclass");
        await Expect(page.Locator("#report")).ToContainTextAsync(
            new Regex("Global model after round 2: accuracy 0\\.\\d{3}, balanced accuracy 0\\.\\d{3}, macro AUC 0\\.\\d{3}"));
        await Expect(page.Locator("#site-report thead"))
            .ToHaveTextAsync(new Regex("^Site\\s*Accuracy\\s*Balanced accuracy\\s*Macro AUC\\s*Cross-entropy\\s*Held-out rows$"));
        await Expect(page.Locator("#site-report tbody tr")).ToHaveCountAsync(5);
        await Expect(page.Locator("#confusion-matrix tbody tr")).ToHaveCountAsync(10);
        await Expect(page.Locator("#confusion-note")).ToContainTextAsync("fewer than 10 patients");
        await Expect(page.Locator("#participation thead")).ToContainTextAsync("Global accuracy");
        Assert.DoesNotContain("NaN", await page.Locator("main").InnerTextAsync());
        await LocalDashboard.Screenshot(page, "multiclass-job-page");

        // The job form takes the task and its classes from the sites' heartbeats.
        await page.GetByRole(AriaRole.Link, new() { Name = "Jobs" }).ClickAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = "New job" }).ClickAsync();
        await Expect(page.Locator("#task")).ToContainTextAsync("Task: multiclass (one of several classes), 10 classes");
        await Expect(page.Locator("#check")).ToContainTextAsync("Ready: 5 sites would take part");
    }
}
