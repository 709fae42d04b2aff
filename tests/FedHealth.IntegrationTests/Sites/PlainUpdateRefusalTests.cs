using System.Security.Cryptography;
using FedHealth.Contracts;
using FedHealth.Learning.Models;
using FedHealth.Privacy.Crypto;
using FedHealth.SiteAgent;
using FedHealth.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;

namespace FedHealth.Tests.Sites;

/// <summary>
/// A forged round request that asked for neither secure aggregation nor sealing made a hospital publish its weights in
/// the clear. A site with consortium keys sends its update only masked or sealed for the consortium's coordinator.
/// </summary>
public sealed class PlainUpdateRefusalTests : IDisposable
{
    private static readonly ModelSpec Model = new() { Kind = "logistic", Features = 8 };
    private readonly TempFolder temp = new();
    private readonly SigningKey identity = SigningKey.Create();
    private readonly ECDiffieHellman coordinator = KeyAgreement.NewKey();

    [Fact]
    public void A_site_with_consortium_keys_declines_a_request_for_a_plain_update_and_seals_what_it_sends()
    {
        var trust = TestTrust.Of(KeyAgreement.PublicKey(coordinator), new Dictionary<string, byte[]> { ["DE-GBSG"] = identity.PublicKey });
        var site = Agent.Start(GbsgSite.Config(temp.Path), NullLogger.Instance, new SiteSecurity(identity, trust));
        var job = Guid.NewGuid();
        var round = GbsgSite.Round(job, 1, Model, new TrainingPlan(), FlatParameters.Initial(ParameterLayout.For(Model), 1).ToWeights());

        var declined = Assert.IsType<RoundDeclined>(site.Train(round));
        Assert.Contains("holds consortium keys and sends its update only masked", declined.Reason);
        Assert.DoesNotContain(new AuditLog(Path.Combine(site.StateDir, "audit.jsonl")).Read(), a =>
            a is { Direction: "sent", Message: nameof(UpdateSubmitted) });

        var sealedRound = round with
        {
            Attempt = 2,
            Sealing = new RoundSealing { RoundNonce = RandomNumberGenerator.GetBytes(16), CoordinatorKey = trust.CoordinatorKey }
        };
        Assert.IsType<SealedUpdateSubmitted>(site.Train(sealedRound));
    }

    public void Dispose()
    {
        identity.Dispose();
        coordinator.Dispose();
        temp.Dispose();
    }
}
