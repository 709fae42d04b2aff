using FedHealth.Coordinator.Hosting;
using FedHealth.Messaging.Signing;
using FedHealth.Privacy.Crypto;
using FedHealth.Tests.Support;

namespace FedHealth.Tests.Coordinator;

/// <summary>
/// What the coordinator relays of the consortium file: the CA-signed file to every site when it takes a version, and
/// again to a site whose heartbeat shows an older one, at most every 30 s for that site; an unsigned file never.
/// </summary>
public sealed class ConsortiumRelayTests
{
    private readonly ManualClock clock = new(new DateTimeOffset(2026, 12, 5, 12, 0, 0, TimeSpan.Zero));

    private static ConsortiumTrust Trust(int version)
    {
        using var coordinator = KeyAgreement.NewKey();
        return TestTrust.Of(KeyAgreement.PublicKey(coordinator), new Dictionary<string, byte[]>()) with { Version = version };
    }

    [Fact]
    public void A_site_behind_is_sent_the_signed_file_at_most_every_interval_and_another_site_is_not_held_back_by_it()
    {
        using var ca = ConsortiumCa.Create();
        var relay = new ConsortiumRelay(new ConsortiumFileSource(ca.Signed(Trust(3))), clock);

        var behind = JobFixtures.Heartbeat("DE-GBSG") with { ConsortiumVersion = 2 };
        var sent = relay.Behind(behind);
        Assert.NotNull(sent);
        Assert.Equal(4, sent.Version);
        Assert.True(ConsortiumTrust.Parse(sent.Consortium, "relayed").SignedBy(ca.Certificate));

        Assert.Null(relay.Behind(behind));
        Assert.NotNull(relay.Behind(JobFixtures.Heartbeat("NL-ROTTERDAM-A") with { ConsortiumVersion = 1 }));
        Assert.Null(relay.Behind(JobFixtures.Heartbeat("NL-ROTTERDAM-B") with { ConsortiumVersion = 4 }));
        clock.Advance(ConsortiumRelay.Interval);
        Assert.NotNull(relay.Behind(behind));
        Assert.NotNull(relay.Taken());
    }

    [Fact]
    public void An_unsigned_file_is_never_relayed()
    {
        var relay = new ConsortiumRelay(new ConsortiumFileSource(Trust(3)), clock);
        Assert.Null(relay.Taken());
        Assert.Null(relay.Behind(JobFixtures.Heartbeat("DE-GBSG") with { ConsortiumVersion = 1 }));
    }
}
