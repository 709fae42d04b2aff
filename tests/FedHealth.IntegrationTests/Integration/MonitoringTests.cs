using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using FedHealth.Tests.Support;
using Xunit.Abstractions;

namespace FedHealth.Tests.Integration;

/// <summary>
/// What an operator's Prometheus sees: the coordinator, each site agent and the dashboard, each its own process on a
/// real broker with <c>--Monitoring:Port</c>, are ready on /healthz/ready, and after a secure job their /metrics hold the
/// job's rounds, participation, journal writes, training times and bytes per site.
/// </summary>
[Collection(RabbitMqCollection.Name)]
public sealed class MonitoringTests(RabbitMqBroker broker, ITestOutputHelper log) : IDisposable
{
    private static readonly string[] SiteIds = ["DE-GBSG", "NL-ROTTERDAM-A", "NL-ROTTERDAM-B"];
    private readonly TempFolder temp = new();
    private readonly HttpClient http = new() { Timeout = TimeSpan.FromSeconds(10) };

    [Fact]
    public async Task Every_deployable_is_ready_and_its_metrics_show_a_secure_job_s_rounds_journal_writes_training_and_bytes_per_site()
    {
        using var federation = new ProcessFederation(broker, temp.Path, SiteIds, log, monitoring: true);
        foreach (var (process, port) in federation.MonitoringPorts)
            await Eventually.Get(async () => await Status(port, "/healthz/ready") == HttpStatusCode.OK ? process : null, TimeSpan.FromSeconds(90),
                $"{process} to be ready");
        await federation.SitesOnline(3);
        var job = await federation.Launch(ProcessFederation.BreastPrognosis(rounds: 2, deadline: TimeSpan.FromSeconds(90)));
        Assert.Equal("completed", (await federation.Ended(job, TimeSpan.FromMinutes(3))).Status);

        var coordinator = await Scrape(federation.MonitoringPorts["coordinator"]);
        Assert.Equal(2, Value(coordinator, "fedhealth_rounds_closed_total", "kind=\"training\""));
        Assert.Equal(2, Value(coordinator, "fedhealth_round_duration_seconds_count", "kind=\"training\""));
        Assert.Equal(6, Value(coordinator, "fedhealth_round_participants_total", "outcome=\"contributed\""));
        Assert.Equal(1, Value(coordinator, "fedhealth_jobs_ended_total", "outcome=\"completed\""));
        Assert.True(Value(coordinator, "fedhealth_journal_write_duration_seconds_count") > 0, "journal writes are timed");
        foreach (var site in SiteIds)
            Assert.True(Value(coordinator, "fedhealth_bus_bytes_total", "direction=\"received\"", "message=\"MaskedUpdateSubmitted\"", $"site=\"{site}\"") > 0,
                $"the coordinator counts the bytes of {site}'s masked updates");

        var germany = await Scrape(federation.MonitoringPorts["DE-GBSG"]);
        Assert.Equal(2, Value(germany, "fedhealth_site_training_duration_seconds_count", "site=\"DE-GBSG\""));
        Assert.True(Value(germany, "fedhealth_bus_bytes_total", "direction=\"received\"", "message=\"RoundStarted\"", "site=\"DE-GBSG\"") > 0);
        Assert.True(Value(germany, "fedhealth_bus_bytes_total", "direction=\"published\"", "message=\"MaskedUpdateSubmitted\"", "site=\"DE-GBSG\"") > 0);

        var dashboard = await Scrape(federation.MonitoringPorts["dashboard"]);
        Assert.True(Value(dashboard, "http_server_request_duration_seconds_count") > 0, "the dashboard's HTTP requests are measured");
        Assert.Equal(HttpStatusCode.OK, await Status(federation.MonitoringPorts["dashboard"], "/healthz/live"));
    }

    private async Task<HttpStatusCode?> Status(int port, string path)
    {
        try { return (await http.GetAsync($"http://127.0.0.1:{port}{path}")).StatusCode; }
        catch (HttpRequestException) { return null; }
    }

    private async Task<string> Scrape(int port) => await http.GetStringAsync($"http://127.0.0.1:{port}/metrics");

    /// <summary>The sum of a metric's samples whose labels include every one given (Prometheus text format).</summary>
    private static double Value(string scrape, string metric, params string[] labels) => scrape.Split('\n')
        .Select(line => Regex.Match(line, $@"^{Regex.Escape(metric)}(\{{(?<labels>[^}}]*)\}})? (?<value>\S+)"))
        .Where(m => m.Success && labels.All(l => m.Groups["labels"].Value.Contains(l, StringComparison.Ordinal)))
        .Sum(m => double.Parse(m.Groups["value"].Value, CultureInfo.InvariantCulture));

    public void Dispose()
    {
        http.Dispose();
        temp.Dispose();
    }
}
