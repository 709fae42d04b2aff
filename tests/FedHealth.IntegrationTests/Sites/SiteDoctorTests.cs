using System.Net;
using System.Net.Sockets;
using FedHealth.Contracts;
using FedHealth.Learning.Models.Architectures;
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
    public async Task Doctor_warns_that_a_policy_without_a_models_section_takes_any_model_and_prints_the_presets_digests_for_the_schema()
    {
        var (code, lines) = await Doctor(SiteConfig);

        Assert.Equal(0, code);
        Assert.Contains("WARN models: any model that builds (no models section): add one to limit what this site trains", string.Join("\n", lines));
        var logistic = Architecture.Resolve(new ModelSpec { Kind = "logistic", Features = 8 });
        var mlp = Architecture.Resolve(new ModelSpec { Kind = "mlp", Features = 8 });
        Assert.Contains($"PASS model logistic: {logistic.Digest} (9 parameters on the schema's 8 features): accepted (the policy does not limit models)",
            lines);
        Assert.Contains(
            $"PASS model mlp: {mlp.Digest} (16 hidden units, 161 parameters on the schema's 8 features): accepted (the policy does not limit models)", lines);
    }

    [Fact]
    public async Task Doctor_prints_the_digests_a_policy_approves_and_its_limits_and_warns_of_a_preset_it_refuses()
    {
        var logistic = Architecture.Resolve(new ModelSpec { Kind = "logistic", Features = 8 });
        var policy = Path.Combine(federation, "policies", "de-gbsg.policy.json");
        File.WriteAllText(policy, File.ReadAllText(policy).Replace("\"minParticipants\": 3",
            $$"""
            "minParticipants": 3, "models": { "allowedDigests": ["{{logistic.Digest}}"], "maxParameters": 100, "layerKinds": ["linear", "relu"] }
            """));

        var (code, lines) = await Doctor(SiteConfig);

        Assert.Equal(0, code);
        Assert.Contains($"PASS models: 1 digest approved ({logistic.Digest}); any other model within at most 100 parameters; layer kinds linear, relu", lines);
        Assert.Contains(lines, l => l.StartsWith($"PASS model logistic: {logistic.Digest} ") && l.EndsWith(": accepted, approved by digest"));
        Assert.Contains(lines, l => l.StartsWith("WARN model mlp: sha256:")
            && l.EndsWith(": refused, it has 161 parameters, more than the 100 allowed (add its digest to models.allowedDigests to train it)"));
    }

    [Fact]
    public async Task Doctor_says_a_policy_with_only_digests_trains_nothing_else_and_skips_models_when_the_policy_does_not_load()
    {
        var policy = Path.Combine(federation, "policies", "de-gbsg.policy.json");
        var digest = "sha256:" + new string('a', 64);
        File.WriteAllText(policy, File.ReadAllText(policy).Replace("\"minParticipants\": 3",
            $$"""
            "minParticipants": 3, "models": { "allowedDigests": ["{{digest}}"] }
            """));

        var (_, lines) = await Doctor(SiteConfig);

        Assert.Contains($"PASS models: 1 digest approved ({digest}); no limits, so no other model is trained", lines);
        Assert.Contains(lines, l => l.StartsWith("WARN model logistic: sha256:")
            && l.Contains(": refused, the site trains only the models it approved by digest, and this is not one of them"));

        File.WriteAllText(policy, File.ReadAllText(policy).Replace(digest, "sha256:12"));
        var (code, broken) = await Doctor(SiteConfig);

        Assert.Equal(1, code);
        Assert.Contains(broken, l => l.StartsWith("FAIL policy: ") && l.Contains("'sha256:12' is not a digest"));
        Assert.DoesNotContain(broken, l => l.Contains(" models: ") || l.Contains(" model logistic: "));
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
