using System.Net;
using System.Net.Sockets;
using FedHealth.Messaging;
using FedHealth.SiteAgent;
using FedHealth.SiteAgent.Doctor;
using FedHealth.Tests.Support;

namespace FedHealth.Tests.Sites;

public sealed class SiteDoctorTests : IDisposable
{
    private readonly TempFolder temp = new();
    private readonly string federation;

    public SiteDoctorTests()
    {
        federation = Path.Combine(temp.Path, "breast-prognosis");
        TempFolder.CopyFolder(Paths.Federation, federation);
    }

    private string SiteConfig => Path.Combine(federation, "sites", "de-gbsg.json");

    internal static async Task<(int Code, string[] Lines)> Doctor(string config, BusOptions? bus = null)
    {
        var output = new StringWriter();
        var code = await SiteDoctor.RunAsync(config, bus ?? new BusOptions(), output);
        return (code, output.ToString().Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public async Task Doctor_passes_the_shipped_site_config()
    {
        var (code, lines) = await Doctor(SiteConfig);

        Assert.Equal(0, code);
        foreach (var check in new[] { "config", "policy", "data", "libtorch", "state" })
            Assert.Contains(lines, l => l.StartsWith($"PASS {check}: "));
        Assert.Contains(lines, l => l.StartsWith("PASS data: ") && l.Contains("285 train / 123 test"));
        Assert.DoesNotContain(lines, l => l.StartsWith("FAIL"));
    }

    [Fact]
    public async Task Doctor_fails_a_csv_missing_a_schema_column_with_the_loaders_message_and_a_fix()
    {
        var csv = Path.Combine(federation, "data", "gbsg-germany.csv");
        File.WriteAllText(csv, File.ReadAllText(csv).Replace("\"grade\"", "\"grad\""));

        var (code, lines) = await Doctor(SiteConfig);

        Assert.Equal(1, code);
        var fail = Array.FindIndex(lines, l => l.StartsWith("FAIL data: "));
        Assert.True(fail >= 0, string.Join("\n", lines));
        Assert.Contains("column 'grade'", lines[fail]);
        Assert.StartsWith("  fix: ", lines[fail + 1]);
        Assert.Contains(lines, l => l.StartsWith("PASS config: "));
    }

    [Fact]
    public async Task Doctor_fails_a_config_typo_naming_the_field_and_still_checks_what_needs_no_config()
    {
        File.WriteAllText(SiteConfig, File.ReadAllText(SiteConfig).Replace("\"testFraction\"", "\"testFracton\""));

        var (code, lines) = await Doctor(SiteConfig);

        Assert.Equal(1, code);
        var fail = Array.FindIndex(lines, l => l.StartsWith("FAIL config: "));
        Assert.True(fail >= 0, string.Join("\n", lines));
        Assert.Contains("testFracton", lines[fail]);
        Assert.StartsWith("  fix: correct the field", lines[fail + 1]);
        Assert.Contains(lines, l => l.StartsWith("PASS libtorch: "));
    }

    [Fact]
    public async Task Doctor_fails_a_policy_whose_jurisdiction_differs_from_the_site()
    {
        var policy = Path.Combine(federation, "policies", "de-gbsg.policy.json");
        File.WriteAllText(policy, File.ReadAllText(policy).Replace("\"jurisdiction\": \"DE\"", "\"jurisdiction\": \"NL\""));

        var (code, lines) = await Doctor(SiteConfig);

        Assert.Equal(1, code);
        Assert.Contains(lines, l => l.StartsWith("FAIL policy: ") && l.Contains("differs from site.jurisdiction"));
        Assert.Contains(lines, l => l.StartsWith("PASS config: "));
    }

    [Fact]
    public async Task Doctor_fails_an_unreachable_broker_as_refused_with_a_fix()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var closedPort = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();

        var (code, lines) = await Doctor(SiteConfig,
            new BusOptions { Transport = BusOptions.RabbitMq, Uri = $"amqp://guest:guest@127.0.0.1:{closedPort}/", AllowPlainAmqp = true });

        Assert.Equal(1, code);
        var fail = Array.FindIndex(lines, l => l.StartsWith("FAIL broker: "));
        Assert.True(fail >= 0, string.Join("\n", lines));
        Assert.Contains($"127.0.0.1:{closedPort} refused the connection", lines[fail]);
        Assert.Contains("host and port", lines[fail + 1]);
    }

    [Fact]
    public async Task Doctor_fails_a_site_whose_identity_key_is_missing()
    {
        var config = Path.Combine(federation, "sites", "keyed.json");
        File.WriteAllText(config, File.ReadAllText(SiteConfig)
            .Replace("\"training\"", "\"consortiumFile\": \"consortium.json\", \"identityKeyFile\": \"site-key.pem\", \"training\""));

        var (code, lines) = await Doctor(config);

        Assert.Equal(1, code);
        Assert.Contains(lines, l => l.StartsWith("FAIL identity: ") && l.Contains("site-key.pem: the site's identity key is missing"));
    }

    public void Dispose() => temp.Dispose();
}
