using FedHealth.Messaging;
using FedHealth.Tests.Support;

namespace FedHealth.Tests.Sites;

[Collection(RealServersCollection.Name)]
public sealed class SiteDoctorBrokerTests(RealServers servers)
{
    [Fact]
    public async Task Doctor_connects_to_the_real_broker_and_fails_a_wrong_password_as_an_authentication_problem()
    {
        using var temp = new TempFolder();
        var federation = Path.Combine(temp.Path, "breast-prognosis");
        TempFolder.CopyFolder(Paths.Federation, federation);
        var config = Path.Combine(federation, "sites", "de-gbsg.json");
        var good = new BusOptions { Transport = BusOptions.RabbitMq, Uri = servers.RabbitMq.Uri, AllowPlainAmqp = true };
        var wrong = new BusOptions
        {
            Transport = BusOptions.RabbitMq, Uri = servers.RabbitMq.Uri.Replace("guest:guest@", "guest:not-the-password@"),
            AllowPlainAmqp = true
        };

        var (_, reachable) = await SiteDoctorTests.Doctor(config, good);
        var (code, refused) = await SiteDoctorTests.Doctor(config, wrong);

        Assert.Contains(reachable, l => l.StartsWith($"PASS broker: connected to 127.0.0.1:{RabbitMqBroker.Port} as guest"));
        Assert.Equal(1, code);
        var fail = Array.FindIndex(refused, l => l.StartsWith("FAIL broker: "));
        Assert.True(fail >= 0, string.Join("\n", refused));
        Assert.Contains("wrong user name or password", refused[fail]);
        Assert.DoesNotContain("not-the-password", string.Join("\n", refused));
        Assert.Contains("user and password", refused[fail + 1]);
    }
}
