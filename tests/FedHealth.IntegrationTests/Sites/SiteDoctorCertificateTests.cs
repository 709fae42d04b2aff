using FedHealth.Messaging;
using FedHealth.Privacy.Crypto;
using FedHealth.SiteAgent.Doctor;
using FedHealth.Tests.Support;

namespace FedHealth.Tests.Sites;

/// <summary>doctor's certificate and clock-skew verdicts on broken setups: each names the problem and the fix.</summary>
public sealed class SiteDoctorCertificateTests : IDisposable
{
    private readonly TempFolder temp = new();
    private readonly ConsortiumCa ca = ConsortiumCa.Create();
    private readonly DateTimeOffset now = DateTimeOffset.UtcNow;

    private BusOptions Bus(System.Security.Cryptography.X509Certificates.X509Certificate2 client, string? keyFrom = null)
    {
        var caFile = Path.Combine(temp.Path, "ca-cert.pem");
        File.WriteAllText(caFile, ca.Certificate.ExportCertificatePem());
        var name = Guid.NewGuid().ToString("N");
        var certFile = Path.Combine(temp.Path, $"{name}-cert.pem");
        var keyFile = Path.Combine(temp.Path, $"{name}-key.pem");
        ConsortiumCa.WritePem(client, certFile, keyFile);
        if (keyFrom is not null) File.Copy(keyFrom, keyFile, overwrite: true);
        return new BusOptions
        {
            Transport = BusOptions.RabbitMq, Uri = "amqps://broker.example.org:5671/", CaFile = caFile, CertFile = certFile, KeyFile = keyFile,
            CertificateLogin = true,
        };
    }

    [Fact]
    public void A_valid_client_certificate_of_the_consortium_passes()
    {
        using var client = ca.IssueClient("DE-GBSG");
        var result = CertificateCheck.Run(Bus(client), "DE-GBSG", now);
        Assert.Equal(CheckStatus.Pass, result.Status);
        Assert.Contains("client certificate for DE-GBSG", result.Detail);
    }

    [Fact]
    public void An_expired_certificate_fails_with_its_date_and_how_to_renew()
    {
        using var client = ca.IssueClient("DE-GBSG", now: now.AddDays(-40), validity: TimeSpan.FromDays(10));
        var result = CertificateCheck.Run(Bus(client), "DE-GBSG", now);
        Assert.Equal(CheckStatus.Fail, result.Status);
        Assert.Contains($"expired on {client.NotAfter.ToUniversalTime():yyyy-MM-dd}", result.Detail);
        Assert.Contains("enroll request", result.Fix);
    }

    [Fact]
    public void A_certificate_close_to_its_end_warns_before_rounds_start_failing()
    {
        using var client = ca.IssueClient("DE-GBSG", validity: TimeSpan.FromDays(10));
        var result = CertificateCheck.Run(Bus(client), "DE-GBSG", now);
        Assert.Equal(CheckStatus.Warn, result.Status);
        Assert.Contains("expires in 10 days", result.Detail);
    }

    [Fact]
    public async Task A_certificate_of_another_site_another_CA_or_another_key_fails_naming_which()
    {
        using var other = ca.IssueClient("NL-ROTTERDAM-A");
        Assert.Contains("issued to 'NL-ROTTERDAM-A', but this site is 'DE-GBSG'", CertificateCheck.Run(Bus(other), "DE-GBSG", now).Detail);

        using var foreignCa = ConsortiumCa.Create("someone else's CA");
        using var foreign = foreignCa.IssueClient("DE-GBSG");
        var untrusted = CertificateCheck.Run(Bus(foreign), "DE-GBSG", now);
        Assert.Equal(CheckStatus.Fail, untrusted.Status);
        Assert.Contains("not trusted by the consortium CA", untrusted.Detail);

        using var mine = ca.IssueClient("DE-GBSG");
        var mismatched = Bus(mine, keyFrom: Bus(other).KeyFile);
        var wrongKey = CertificateCheck.Run(mismatched, "DE-GBSG", now);
        Assert.Equal(CheckStatus.Fail, wrongKey.Status);
        Assert.Contains("the key does not belong to the certificate", wrongKey.Detail);
        // The broker check then fails with a reason too, instead of ending doctor with a stack trace.
        var broker = await BrokerCheck.Run(mismatched, CancellationToken.None);
        Assert.Equal(CheckStatus.Fail, broker.Status);
        Assert.Contains("cannot be used", broker.Detail);
    }

    [Fact]
    public void A_missing_CA_file_fails_pointing_at_enrolment_and_plain_amqp_only_warns()
    {
        var bus = new BusOptions { Transport = BusOptions.RabbitMq, Uri = "amqps://broker.example.org:5671/", CaFile = Path.Combine(temp.Path, "nope.pem") };
        var missing = CertificateCheck.Run(bus, "DE-GBSG", now);
        Assert.Equal(CheckStatus.Fail, missing.Status);
        Assert.Contains("enroll BUNDLE", missing.Fix);
        var plain = new BusOptions { Transport = BusOptions.RabbitMq, Uri = "amqp://guest:guest@127.0.0.1:5672/", AllowPlainAmqp = true };
        Assert.Equal(CheckStatus.Warn, CertificateCheck.Run(plain, "DE-GBSG", now).Status);
    }

    [Theory]
    [InlineData(0.4, CheckStatus.Pass)]
    [InlineData(-1.5, CheckStatus.Pass)]
    [InlineData(8, CheckStatus.Warn)]
    [InlineData(-45, CheckStatus.Fail)]
    public void Clock_skew_against_the_coordinator_is_judged_from_the_middle_of_the_round_trip(double coordinatorAheadSeconds, CheckStatus expected)
    {
        var sent = new DateTimeOffset(2026, 11, 24, 12, 0, 0, TimeSpan.Zero);
        var received = sent.AddMilliseconds(200);
        var coordinator = sent.AddMilliseconds(100).AddSeconds(coordinatorAheadSeconds);
        var result = CoordinatorClockCheck.Judge(sent, coordinator, received);
        Assert.Equal(expected, result.Status);
        Assert.Contains(
            $"{Math.Abs(coordinatorAheadSeconds):0.00} s {(coordinatorAheadSeconds > 0 ? "behind" : "ahead of")} the coordinator's (± 0.10 s)", result.Detail);
        if (expected == CheckStatus.Fail) Assert.Contains("timedatectl set-ntp true", result.Fix);
    }

    public void Dispose()
    {
        ca.Dispose();
        temp.Dispose();
    }
}
