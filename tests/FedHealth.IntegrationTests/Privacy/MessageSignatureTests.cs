using FedHealth.Contracts;
using FedHealth.Privacy.Crypto;
using FedHealth.Tests.Coordinator;
using FedHealth.Tests.Support;
using MassTransit;

namespace FedHealth.Tests.Privacy;

/// <summary>
/// The one rule every receiver applies to a message between organisations (<see cref="MessageSignature"/>): taken only
/// when the party <see cref="MessageAuthority"/> names signed it, unchanged, and not from the future (nor, for a
/// dashboard request, from long ago).
/// </summary>
public sealed class MessageSignatureTests : IDisposable
{
    private static readonly DateTimeOffset Now = new(2026, 12, 4, 12, 0, 0, TimeSpan.Zero);
    private readonly SigningKey coordinator = SigningKey.Create(), dashboard = SigningKey.Create(), siteA = SigningKey.Create(), siteB = SigningKey.Create();
    private readonly ConsortiumTrust trust;

    public MessageSignatureTests()
    {
        using var sealing = KeyAgreement.NewKey();
        trust = new ConsortiumTrust(KeyAgreement.PublicKey(sealing), coordinator.PublicKey, dashboard.PublicKey,
            new Dictionary<string, byte[]> { ["A"] = siteA.PublicKey, ["B"] = siteB.PublicKey });
    }

    private static (string At, string Signature) Sign(object message, MessageSender sender, SigningKey key, DateTimeOffset at) =>
        (MessageSignature.Time(at), Convert.ToBase64String(key.Sign(MessageSignature.Digest(message, sender, at))));

    private string? Problem(object message, (string At, string Signature) signed) => MessageSignature.Problem(message, trust, signed.At, signed.Signature, Now);

    private static JobClosed Closed(string outcome = "completed") => new() { JobId = Guid.Empty, Round = 3, Outcome = outcome, Participants = ["A", "B"] };
    private static RoundDeclined Declined(string site) => new() { JobId = Guid.Empty, Round = 1, SiteId = site, Reason = "maintenance" };

    [Fact]
    public void A_message_signed_by_its_rightful_sender_is_taken()
    {
        Assert.Null(Problem(Closed(), Sign(Closed(), MessageSender.Coordinator, coordinator, Now)));
        Assert.Null(Problem(Declined("A"), Sign(Declined("A"), MessageSender.Site("A"), siteA, Now)));
        Assert.Null(Problem(new StopJob { JobId = Guid.Empty, RequestedBy = "alice", RequestId = Guid.Empty },
            Sign(new StopJob { JobId = Guid.Empty, RequestedBy = "alice", RequestId = Guid.Empty }, MessageSender.Dashboard, dashboard, Now)));
    }

    [Fact]
    public void Unsigned_altered_or_foreign_signed_messages_are_refused_by_name()
    {
        Assert.Contains("JobClosed: unsigned (only coordinator may send it, signed)", MessageSignature.Problem(Closed(), trust, null, null, Now));
        // Any field changed after signing.
        Assert.Contains("does not verify against coordinator's registered key",
            Problem(Closed("failed"), Sign(Closed(), MessageSender.Coordinator, coordinator, Now)));
        // A site signing a coordinator's message, or a command (the dashboard's).
        Assert.Contains("does not verify against coordinator's", Problem(Closed(), Sign(Closed(), MessageSender.Coordinator, siteA, Now)));
        var create = new CreateJob { Spec = JobFixtures.Spec(rounds: 1, minSites: 1), RequestId = Guid.NewGuid() };
        Assert.Contains("does not verify against dashboard's", Problem(create, Sign(create, MessageSender.Dashboard, siteA, Now)));
        // Site A answering in site B's name, with its own key.
        Assert.Contains("does not verify against site B's", Problem(Declined("B"), Sign(Declined("B"), MessageSender.Site("B"), siteA, Now)));
        Assert.Contains("site Z, which the consortium file does not register",
            Problem(Declined("Z"), Sign(Declined("Z"), MessageSender.Site("Z"), siteA, Now)));
        // A signature made for one type cannot pass for another with the same fields.
        var (at, signature) = Sign(Closed(), MessageSender.Coordinator, coordinator, Now);
        Assert.Contains("does not verify",
            MessageSignature.Problem(new UpdateRefused { JobId = Guid.Empty, Round = 3, SiteId = "A", Reason = "x" }, trust, at, signature, Now));
        Assert.Contains("not base64", MessageSignature.Problem(Closed(), trust, at, "%%%", Now));
        Assert.Contains("not a round-trip time", MessageSignature.Problem(Closed(), trust, "yesterday", signature, Now));
    }

    [Fact]
    public void Signing_times_from_the_future_and_stale_dashboard_requests_are_refused_but_a_site_message_may_wait_in_its_queue()
    {
        Assert.Contains("ahead of this clock", Problem(Closed(), Sign(Closed(), MessageSender.Coordinator, coordinator, Now.AddMinutes(3))));
        Assert.Null(Problem(Closed(), Sign(Closed(), MessageSender.Coordinator, coordinator, Now.AddMinutes(1))));
        var status = new GetFederationStatus();
        Assert.Contains("a dashboard request signed at", Problem(status, Sign(status, MessageSender.Dashboard, dashboard, Now.AddMinutes(-6))));
        Assert.Null(Problem(status, Sign(status, MessageSender.Dashboard, dashboard, Now.AddMinutes(-4))));
        // A site's answer that sat in the broker during an outage is judged by its job, round and attempt, not by age.
        Assert.Null(Problem(Declined("A"), Sign(Declined("A"), MessageSender.Site("A"), siteA, Now.AddHours(-2))));
    }

    [Fact]
    public void A_clock_probe_is_taken_unsigned_and_an_undeclared_type_is_refused()
    {
        Assert.Null(MessageSignature.Problem(new ClockProbe { SiteId = "A" }, trust, null, null, Now));
        Assert.Contains("no FedHealth contract declares who may send it", MessageSignature.Problem(new Uri("http://x"), trust, null, null, Now));
    }

    /// <summary>Every message any FedHealth consumer takes names its sender, so none is taken on trust.</summary>
    [Fact]
    public void Every_message_a_deployable_consumes_has_a_declared_sender()
    {
        var assemblies = new[]
        {
            typeof(FedHealth.Coordinator.Hosting.CoordinatorComponent).Assembly, typeof(FedHealth.SiteAgent.Agent).Assembly,
            typeof(FedHealth.Dashboard.DashboardComponent).Assembly,
        };
        var consumed = assemblies.SelectMany(a => a.GetTypes())
            .SelectMany(t => t.GetInterfaces())
            .Where(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IConsumer<>))
            .Select(i => i.GetGenericArguments()[0]).Distinct().ToList();
        Assert.NotEmpty(consumed);
        Assert.All(consumed, t => Assert.True(MessageAuthority.RoleOf(t) is not null, $"{t.Name} is consumed but no contract says who may send it"));
        Assert.All(typeof(CreateJob).Assembly.GetTypes().Where(t => MessageAuthority.RoleOf(t) is not null && !t.IsInterface),
            t => Assert.True(t.IsSealed, $"{t.Name}: a message type must be sealed, so a subtype cannot carry fields its signature does not cover"));
    }

    public void Dispose()
    {
        coordinator.Dispose(); dashboard.Dispose(); siteA.Dispose(); siteB.Dispose();
    }
}
