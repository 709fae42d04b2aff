using System.Text.RegularExpressions;
using static Microsoft.Playwright.Assertions;

namespace FedHealth.Tests.Browser;

/// <summary>The pima-glucose federation (four sites, plasma glucose as a regression) behind the dashboard.</summary>
public sealed class PimaGlucoseDashboard() : LocalDashboard("pima-glucose", 4);

/// <summary>A regression job as a lead sees it: RMSE (lower is better), MAE and R², RMSE by age band, no AUC, accuracy or NaN.</summary>
public sealed class RegressionDashboardTests(PimaGlucoseDashboard dashboard) : IClassFixture<PimaGlucoseDashboard>
{
    [Fact]
    public async Task A_regression_jobs_page_shows_rmse_mae_and_r_squared_and_the_rmse_of_each_age_band()
    {
        var jobId = await dashboard.LaunchAsLead(rounds: 2);
        var page = await dashboard.SignIn("lead");
        await page.GotoAsync($"{dashboard.Url}/#/jobs/{jobId}");
        await Expect(page.Locator("#job-title .badge")).ToHaveTextAsync("completed", new() { Timeout = 120_000 });
        await Expect(page.Locator("#job-facts")).ToContainTextAsync("task regression");
        await Expect(page.Locator("#report"))
            .ToContainTextAsync(new Regex("Global model after round 2: RMSE \\d+\\.\\d{3}, MAE \\d+\\.\\d{3}, R² -?0\\.\\d{3}"));
        await Expect(page.Locator("#site-report thead"))
            .ToHaveTextAsync(new Regex("^Site\\s*RMSE\\s*MAE\\s*R²\\s*Squared error\\s*Held-out rows$"));
        await Expect(page.Locator("#fairness thead")).ToContainTextAsync("RMSE by group");
        await Expect(page.Locator("#fairness tbody")).ToContainTextAsync("age band");
        await Expect(page.Locator("#confusion-matrix")).ToHaveCountAsync(0);
        var text = await page.Locator("main").InnerTextAsync();
        Assert.DoesNotContain("NaN", text);
        Assert.DoesNotContain("AUC", text);
        await LocalDashboard.Screenshot(page, "regression-job-page");
    }
}
