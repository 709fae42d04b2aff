using FedHealth.Cli;
using FedHealth.Contracts;
using FedHealth.Messaging.Signing;
using FedHealth.Privacy.Crypto;
using FedHealth.Tests.Support;

namespace FedHealth.Tests.Privacy;

/// <summary>
/// The consortium file a coordinator follows while it runs: a revocation or an enrolment the consortium CA signed is
/// taken, a rollback or an unsigned change is not; a revoked site's messages are refused, naming the revocation.
/// </summary>
public sealed class ConsortiumFileSourceTests : IDisposable
{
    private readonly TempFolder temp = new();
    private readonly ConsortiumCa ca = ConsortiumCa.Create();
    private readonly ConsortiumCa stranger = ConsortiumCa.Create("another CA");
    private readonly SigningKey siteA = SigningKey.Create(), siteB = SigningKey.Create();

    private ConsortiumTrust Initial() => TestTrust.Of(KeyAgreement.PublicKey(KeyAgreement.NewKey()),
        new Dictionary<string, byte[]> { ["A"] = siteA.PublicKey, ["B"] = siteB.PublicKey }) with
    { Jurisdictions = new Dictionary<string, string> { ["A"] = "DE", ["B"] = "NL" } };

    /// <summary>Writes a version and moves the file's time on, as another process's save would.</summary>
    private static void Write(ConsortiumTrust trust, string file, int tick)
    {
        trust.Save(file);
        File.SetLastWriteTimeUtc(file, new DateTime(2026, 12, 4, 12, 0, tick, DateTimeKind.Utc));
    }

    [Fact]
    public void A_revocation_signed_by_the_consortium_ca_is_taken_and_the_site_is_refused_by_name()
    {
        var file = Path.Combine(temp.Path, "consortium.json");
        var initial = Initial();
        Write(initial, file, 0);
        var source = new ConsortiumFileSource(file, ConsortiumTrust.Load(file), ca.Certificate);
        Assert.Equal((null, null), source.Check());

        var revoked = ca.Signed(Revocation.Of(initial, "B", "left the consortium", DateTimeOffset.UtcNow, out _)!);
        Write(revoked, file, 1);
        var (taken, refused) = source.Check();
        Assert.Null(refused);
        Assert.Equal(1, taken!.Version);
        Assert.False(source.Current.Sites.ContainsKey("B"));
        Assert.False(source.Current.Jurisdictions.ContainsKey("B"));
        Assert.True(ConsortiumTrust.Load(file).SignedBy(ca.Certificate));

        var decline = new RoundDeclined { JobId = Guid.Empty, Round = 1, SiteId = "B", Reason = "x" };
        var at = DateTimeOffset.UtcNow;
        var signature = Convert.ToBase64String(siteB.Sign(MessageSignature.Digest(decline, MessageSender.Site("B"), at)));
        Assert.Contains("which the consortium revoked (revoked", MessageSignature.Problem(decline, source.Current, MessageSignature.Time(at), signature, at));
        Assert.Contains("left the consortium", MessageSignature.Problem(decline, source.Current, MessageSignature.Time(at), signature, at));
    }

    [Fact]
    public void A_rollback_an_unsigned_change_or_one_signed_by_another_ca_is_refused_and_the_current_version_stays()
    {
        var file = Path.Combine(temp.Path, "consortium.json");
        var initial = ca.Signed(Initial());
        Write(initial, file, 0);
        var source = new ConsortiumFileSource(file, ConsortiumTrust.Load(file), ca.Certificate);

        Write(Initial() with { Version = 1 }, file, 1);
        Assert.Contains("not newer than version 1", source.Check().Refused);
        Write(Initial() with { Version = 2 }, file, 2);
        Assert.Contains("not signed by the consortium CA", source.Check().Refused);
        Write(stranger.Signed(initial), file, 3);
        Assert.Contains("not signed by the consortium CA", source.Check().Refused);
        // Signed, then altered: the signature no longer covers it.
        Write(ca.Signed(initial) with { Sites = new Dictionary<string, byte[]> { ["A"] = siteA.PublicKey, ["B"] = siteA.PublicKey } }, file, 4);
        Assert.Contains("not signed by the consortium CA", source.Check().Refused);
        File.WriteAllText(file, "{ not json");
        File.SetLastWriteTimeUtc(file, new DateTime(2026, 12, 4, 12, 0, 5, DateTimeKind.Utc));
        Assert.NotNull(source.Check().Refused);
        Assert.Equal(1, source.Current.Version);
        Assert.True(source.Current.Sites.ContainsKey("B"));
    }

    [Fact]
    public void A_site_cannot_be_revoked_twice_nor_an_unknown_one_and_a_revoked_id_is_not_provisioned_again()
    {
        var revoked = Revocation.Of(Initial(), "B", "left", DateTimeOffset.UtcNow, out _)!;
        Assert.Null(Revocation.Of(revoked, "B", "again", DateTimeOffset.UtcNow, out var twice));
        Assert.Contains("already revoked", twice);
        Assert.Null(Revocation.Of(revoked, "Z", "who", DateTimeOffset.UtcNow, out var unknown));
        Assert.Contains("not registered", unknown);

        var folder = Path.Combine(temp.Path, "keys");
        ConsortiumKeys.Provision(folder, ["A", "B"]);
        var file = Path.Combine(folder, "consortium.json");
        ca.Signed(Revocation.Of(ConsortiumTrust.Load(file), "B", "left", DateTimeOffset.UtcNow, out _)!).Save(file);
        Assert.Contains("site B was revoked", Assert.Throws<InvalidOperationException>(() => ConsortiumKeys.Provision(folder, ["A", "B"])).Message);
        // Provisioning again without the revoked site keeps the revocation on record and raises the version.
        var again = ConsortiumKeys.Provision(folder, ["A"]);
        Assert.True(again.Trust.Revoked.ContainsKey("B"));
        Assert.Equal(3, again.Trust.Version);
    }

    public void Dispose()
    {
        temp.Dispose(); ca.Dispose(); stranger.Dispose(); siteA.Dispose(); siteB.Dispose();
    }
}
