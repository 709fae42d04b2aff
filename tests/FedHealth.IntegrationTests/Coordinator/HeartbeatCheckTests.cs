using Akka.Actor;
using FedHealth.Contracts;
using FedHealth.Coordinator.Sites;
using FedHealth.Privacy.Crypto;
using FedHealth.Tests.Support;
using static FedHealth.Tests.Coordinator.JobFixtures;

namespace FedHealth.Tests.Coordinator;

/// <summary>
/// A heartbeat changes what the coordinator believes about a site only when that site signed it and it is fresh:
/// what an attacker with a broker account tried (a forged jurisdiction, an invented site, a replayed heartbeat) changes nothing.
/// </summary>
public sealed class HeartbeatCheckTests : IDisposable
{
    private static readonly DateTimeOffset Now = new(2026, 12, 4, 12, 0, 0, TimeSpan.Zero);
    private readonly SigningKey siteA = SigningKey.Create();
    private readonly SigningKey attacker = SigningKey.Create();
    private readonly ConsortiumTrust trust;

    public HeartbeatCheckTests() =>
        trust = TestTrust.Of(KeyAgreement.PublicKey(KeyAgreement.NewKey()), new Dictionary<string, byte[]> { ["A"] = siteA.PublicKey });

    private static SiteHeartbeat Signed(SiteHeartbeat h, SigningKey key) => h with { Signature = key.Sign(SignedMessage.Digest(h with { Signature = null })) };

    private SiteHeartbeat FromA(DateTimeOffset at, string jurisdiction = "DE") =>
        Signed(Heartbeat("A") with { SentAt = at, Jurisdiction = jurisdiction }, siteA);

    [Fact]
    public void The_sites_own_fresh_signed_heartbeat_is_taken()
    {
        Assert.Null(HeartbeatCheck.Problem(FromA(Now), trust, Now, lastSentAt: null));
        Assert.Null(HeartbeatCheck.Problem(FromA(Now.AddSeconds(5)), trust, Now.AddSeconds(5), lastSentAt: Now));
    }

    [Fact]
    public void A_site_cannot_move_itself_out_of_the_jurisdiction_the_consortium_registered()
    {
        var registered = trust with { Jurisdictions = new Dictionary<string, string> { ["A"] = "DE" } };
        Assert.Null(HeartbeatCheck.Problem(FromA(Now), registered, Now, null));
        // Signed by the site itself, so only the registration can tell: a site in Germany claiming to be in the Netherlands.
        Assert.Contains("states jurisdiction 'NL', but the consortium file registers the site in 'DE'",
            HeartbeatCheck.Problem(FromA(Now, "NL"), registered, Now, null));
    }

    [Fact]
    public void A_forged_unsigned_altered_invented_stale_or_replayed_heartbeat_is_refused_with_its_reason()
    {
        Assert.Contains("does not verify",
            HeartbeatCheck.Problem(Signed(Heartbeat("A") with { SentAt = Now, Jurisdiction = "NL" }, attacker), trust, Now, null));
        Assert.Contains("unsigned", HeartbeatCheck.Problem(Heartbeat("A") with { SentAt = Now }, trust, Now, null));
        // The site's own heartbeat with the jurisdiction rewritten on the way.
        Assert.Contains("does not verify", HeartbeatCheck.Problem(FromA(Now) with { Jurisdiction = "NL" }, trust, Now, null));
        Assert.Contains("not in the consortium file", HeartbeatCheck.Problem(Signed(Heartbeat("US-GHOST") with { SentAt = Now }, attacker), trust, Now, null));
        Assert.Contains("from this coordinator's clock", HeartbeatCheck.Problem(FromA(Now.AddMinutes(-10)), trust, Now, null));
        Assert.Contains("not newer than the last one", HeartbeatCheck.Problem(FromA(Now.AddSeconds(-5)), trust, Now, lastSentAt: Now.AddSeconds(-5)));
    }

    [Fact]
    public async Task The_registry_keeps_a_sites_jurisdiction_and_liveness_as_the_site_itself_last_said_them()
    {
        var clock = new ManualClock(Now);
        using var temp = new TempFolder();
        var system = ActorSystem.Create("heartbeats");
        try
        {
            var registry = system.ActorOf(SiteRegistry.Props(clock, TimeSpan.FromSeconds(30), trust));
            registry.Tell(FromA(Now));
            // An attacker's burst: a forged move to NL, an invented site, and the site's own old heartbeat replayed.
            registry.Tell(Signed(Heartbeat("A") with { SentAt = Now.AddSeconds(1), Jurisdiction = "NL" }, attacker));
            registry.Tell(Signed(Heartbeat("US-GHOST") with { SentAt = Now }, attacker));
            var sites = await registry.Ask<SiteRegistry.SiteList>(new SiteRegistry.GetSites(), TimeSpan.FromSeconds(10));
            Assert.Equal("DE", Assert.Single(sites.Sites).LastHeartbeat.Jurisdiction);

            clock.Advance(TimeSpan.FromSeconds(40));
            registry.Tell(FromA(Now));
            var later = await registry.Ask<SiteRegistry.SiteList>(new SiteRegistry.GetSites(), TimeSpan.FromSeconds(10));
            Assert.False(Assert.Single(later.Sites).Online);
        }
        finally { await system.Terminate(); }
    }

    public void Dispose()
    {
        siteA.Dispose();
        attacker.Dispose();
    }
}
