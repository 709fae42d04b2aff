using FedHealth.Contracts;
using FedHealth.Messaging.Signing;
using FedHealth.Privacy.Crypto;
using FedHealth.SiteAgent;
using FedHealth.Tests.Support;

namespace FedHealth.Tests.Sites;

/// <summary>
/// A running site follows the consortium file the coordinator relays: only a newer version the consortium CA signed,
/// written over its own file; and when a version registers the key it rotated to, it signs with that key from then on.
/// Whatever it refuses leaves its file and its key as they were.
/// </summary>
[Collection(TorchCollection.Name)]
public sealed class SiteConsortiumTests : IDisposable
{
    private const string Self = "DE-GBSG";
    private readonly TempFolder temp = new();
    private readonly ConsortiumCa ca = ConsortiumCa.Create();
    private readonly string file;
    private readonly string keyFile;
    private readonly SigningKey key = SigningKey.Create();
    private readonly ConsortiumTrust first;

    public SiteConsortiumTests()
    {
        file = Path.Combine(temp.Path, "consortium.json");
        keyFile = Path.Combine(temp.Path, "identity-key.pem");
        File.WriteAllText(keyFile, key.PrivateKeyPem());
        using var coordinator = KeyAgreement.NewKey();
        using var other = SigningKey.Create();
        first = TestTrust.Of(KeyAgreement.PublicKey(coordinator),
            new Dictionary<string, byte[]> { [Self] = key.PublicKey, ["NL-ROTTERDAM-A"] = other.PublicKey }) with
        { Version = 1 };
        first.Save(file);
    }

    private SiteSecurity Security(bool withCa = true) =>
        new(Self, SigningKey.FromPem(File.ReadAllText(keyFile)), new ConsortiumFileSource(file, first, withCa ? ca.Certificate : null), keyFile);

    private static ConsortiumChanged Relayed(ConsortiumTrust trust) => new() { Version = trust.Version, Consortium = trust.ToJson() };

    /// <summary>The first file with <paramref name="site"/> registered under <paramref name="siteKey"/>, at <paramref name="version"/>, unsigned.</summary>
    private ConsortiumTrust With(string site, byte[] siteKey, int version) =>
        first with { Sites = new Dictionary<string, byte[]>(first.Sites) { [site] = siteKey }, Version = version };

    /// <summary><paramref name="trust"/> signed by <paramref name="by"/>, keeping its version (signing raises it by one).</summary>
    private static ConsortiumTrust Sign(ConsortiumCa by, ConsortiumTrust trust) => by.Signed(trust with { Version = trust.Version - 1 });

    [Fact]
    public void A_newer_version_signed_by_the_consortium_CA_is_taken_and_written_over_the_sites_file()
    {
        var security = Security();
        using var joined = SigningKey.Create();
        var next = Sign(ca, With("NL-ROTTERDAM-B", joined.PublicKey, 2));

        var (taken, log) = security.Take(Relayed(next));
        Assert.True(taken);
        Assert.Equal("consortium file version 2 taken: 3 sites registered", log);
        Assert.Equal(joined.PublicKey, security.Trust.Sites["NL-ROTTERDAM-B"]);
        Assert.Equal(2, ConsortiumTrust.Load(file).Version);
        Assert.True(ConsortiumTrust.Load(file).SignedBy(ca.Certificate));

        // The same version relayed again (another site was behind): nothing to do, nothing to say.
        Assert.Equal((false, (string?)null), security.Take(Relayed(next)));
    }

    [Fact]
    public void An_unsigned_older_foreign_or_mislabelled_version_is_refused_and_the_file_stays()
    {
        var security = Security();
        using var joined = SigningKey.Create();
        var before = File.ReadAllBytes(file);
        using var foreign = ConsortiumCa.Create("another consortium");

        string Refused(ConsortiumChanged changed)
        {
            var (taken, reason) = security.Take(changed);
            Assert.False(taken);
            Assert.Equal(before, File.ReadAllBytes(file));
            Assert.Equal(1, security.Trust.Version);
            return reason!;
        }

        Assert.Contains("version 2 not taken: version 2 is not signed by the consortium CA", Refused(Relayed(With("NL-ROTTERDAM-B", joined.PublicKey, 2))));
        Assert.Contains("is not signed by the consortium CA", Refused(Relayed(Sign(foreign, With("NL-ROTTERDAM-B", joined.PublicKey, 2)))));
        Assert.Contains("version 0 is not newer than version 1", Refused(Relayed(ca.Signed(first with { Version = -1 }))));
        Assert.Contains("the message says version 7, the file 2", Refused(Relayed(Sign(ca, With("NL-ROTTERDAM-B", joined.PublicKey, 2))) with { Version = 7 }));
        Assert.Contains("not a consortium trust file", Refused(new ConsortiumChanged { Version = 2, Consortium = "{ \"sites\": 3 }" }));
        Assert.Contains("no consortium CA certificate", Security(withCa: false).Take(Relayed(Sign(ca, With("NL-ROTTERDAM-B", joined.PublicKey, 2)))).Log);
    }

    [Fact]
    public void A_version_that_registers_the_sites_next_key_switches_the_site_to_it_and_one_with_a_key_it_does_not_hold_is_refused()
    {
        var security = Security();
        using var next = SigningKey.Create();
        File.WriteAllText(SiteSecurity.NextKeyFile(keyFile), next.PrivateKeyPem());

        var (taken, log) = security.Take(Relayed(Sign(ca, With(Self, next.PublicKey, 2))));
        Assert.True(taken);
        Assert.Contains("this site now signs with its rotated key", log);
        Assert.Equal(next.PublicKey, security.Identity.PublicKey);
        Assert.Equal(next.PublicKey, SigningKey.FromPem(File.ReadAllText(keyFile)).PublicKey);
        Assert.False(File.Exists(SiteSecurity.NextKeyFile(keyFile)));

        // A key the site does not hold (someone else's rotation of this site): taking it would leave the site unable to sign.
        using var stranger = SigningKey.Create();
        var refused = security.Take(
            Relayed(ca.Signed(first with { Sites = new Dictionary<string, byte[]>(first.Sites) { [Self] = stranger.PublicKey }, Version = 2 })));
        Assert.False(refused.Taken);
        Assert.Contains("registers another key for this site", refused.Log);
        Assert.Equal(next.PublicKey, security.Identity.PublicKey);
    }

    [Fact]
    public void A_version_that_revokes_this_site_is_taken_and_said_and_the_site_does_not_start_again_on_it()
    {
        var security = Security();
        var revoked = ca.Signed(first with
        {
            Sites = first.Sites.Where(p => p.Key != Self).ToDictionary(),
            Revoked = new Dictionary<string, string> { [Self] = "revoked 2026-12-05: left" },
        });
        var (taken, log) = security.Take(Relayed(revoked));
        Assert.True(taken);
        Assert.Contains("this site was revoked (revoked 2026-12-05: left)", log);

        var config = new SiteConfig
        {
            Site = new SiteIdentity { Id = Self, Jurisdiction = "DE" }, Data = new SiteDataSource { Csv = "x", Schema = "y" },
            ConsortiumFile = file, IdentityKeyFile = keyFile,
        };
        Assert.Contains("the consortium revoked site DE-GBSG", Assert.Throws<InvalidOperationException>(() => SiteSecurity.Load(config)).Message);
    }

    public void Dispose()
    {
        key.Dispose();
        ca.Dispose();
        temp.Dispose();
    }
}
