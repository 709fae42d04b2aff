using FedHealth.Tests.Support;
using System.Security.Cryptography;
using FedHealth.Contracts;
using FedHealth.Coordinator.Jobs;
using FedHealth.Privacy.Crypto;
using FedHealth.Privacy.SecureAggregation;

namespace FedHealth.Tests.Coordinator;

/// <summary>Jobs without secure aggregation still take only sealed, signed updates from registered sites.</summary>
public sealed class SealedUpdateTests : IDisposable
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 24, 10, 0, 0, TimeSpan.Zero);
    private readonly Guid job = Guid.NewGuid();
    private readonly ECDiffieHellman coordinatorKey = KeyAgreement.NewKey();
    private readonly Dictionary<string, SigningKey> identities = new[] { "A", "B" }.ToDictionary(s => s, _ => SigningKey.Create());
    private readonly JobState state;

    public SealedUpdateTests()
    {
        var keys = new SecureAggregationKeys(
            TestTrust.Of(KeyAgreement.PublicKey(coordinatorKey), identities.ToDictionary(p => p.Key, p => p.Value.PublicKey)), coordinatorKey);
        state = new JobState(keys);
        foreach (var e in JobState.Create(job, JobFixtures.Spec(rounds: 1, minSites: 2), ["A", "B"], T0)) state.Apply(e);
    }

    [Fact]
    public void A_sealed_signed_update_is_opened_and_counted()
    {
        var decision = state.OnSealedUpdate(Seal("A", JobFixtures.Update(job, 1, "A", [1, 2, 3], 10)), T0);
        Assert.Null(decision.Refusal);
        Assert.IsType<UpdateReceived>(Assert.Single(decision.Events));
    }

    [Fact]
    public void Unsealed_forged_replayed_and_tampered_updates_are_refused_with_a_reason()
    {
        Assert.Contains("unsealed, unsigned updates are refused", state.OnUpdate(JobFixtures.Update(job, 1, "A", [1, 2, 3], 10), T0).Refusal);
        var good = Seal("A", JobFixtures.Update(job, 1, "A", [1, 2, 3], 10));
        Assert.Contains("does not verify", state.OnSealedUpdate(good with { Signature = identities["B"].Sign(SignedContent.Of(good)) }, T0).Refusal);
        Assert.Contains("another attempt's nonce", state.OnSealedUpdate(good with { RoundNonce = new byte[16] }, T0).Refusal);
        var bent = good.Box.Ciphertext.ToArray();
        bent[0] ^= 1;
        Assert.Contains("does not open", state.OnSealedUpdate(good with { Box = good.Box with { Ciphertext = bent } }, T0).Refusal);
        var smuggled = Seal("A", JobFixtures.Update(job, 1, "B", [1, 2, 3], 10));
        Assert.Contains("names another site", state.OnSealedUpdate(smuggled, T0).Refusal);
        Assert.Null(state.OnSealedUpdate(good, T0).Refusal);
    }

    private SealedUpdateSubmitted Seal(string site, UpdateSubmitted update)
    {
        var nonce = state.Sealing!.RoundNonce;
        var box = SealedBox.Seal(state.Sealing.CoordinatorKey, System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(update, WireJson.Options),
            SignedContent.Context("update", job, 1, nonce, site));
        var unsigned = new SealedUpdateSubmitted
        {
            JobId = job, Round = 1, RoundNonce = nonce, SiteId = site,
            Box = SecureRoundClient.ToPayload(box), Signature = []
        };
        return unsigned with { Signature = identities[site].Sign(SignedContent.Of(unsigned)) };
    }

    public void Dispose()
    {
        coordinatorKey.Dispose();
        foreach (var i in identities.Values) i.Dispose();
    }
}
