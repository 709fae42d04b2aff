using FedHealth.Contracts;
using FedHealth.Governance;
using FedHealth.SiteAgent;
using FedHealth.Tests.Coordinator;
using FedHealth.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;

namespace FedHealth.Tests.Sites;

/// <summary>
/// The site's transfer gate on a personal model shared for cross-site evaluation: it goes to the coordinator and on to
/// every other participant, so the policy must list the kind (even at home) and allow every one of their jurisdictions.
/// </summary>
[Collection(TorchCollection.Name)]
public sealed class PersonalModelGateTests : IDisposable
{
    private readonly TempFolder temp = new();
    private static readonly Guid Job = Guid.NewGuid();

    private (TransferGate Gate, AuditLog Audit) Gate(IReadOnlyList<string> kinds, IReadOnlyDictionary<string, string> sites, string coordinator = "NL")
    {
        var audit = new AuditLog(Path.Combine(temp.Path, $"audit-{Guid.NewGuid():N}.jsonl"));
        var policy = new SitePolicy
        {
            Jurisdiction = "DE", Consortia = ["fedhealth"], DataKinds = kinds,
            Destinations = [new DestinationRule { Jurisdiction = "EU", LegalBasis = "sameRegime" }],
        };
        var gate = new TransferGate("A", "DE", policy, audit, NullLogger.Instance);
        Assert.Null(gate.Admit(new RoundStarted
        {
            JobId = Job, Round = 1, Schema = "toy", FeatureNames = JobFixtures.Features, Model = JobFixtures.Model, Training = new TrainingPlan(), Seed = 1,
            GlobalWeights = new FedHealth.Learning.Models.FlatParameters(JobFixtures.Layout, [0, 0, 0]).ToWeights(), Participants = [.. sites.Keys],
            Deadline = DateTimeOffset.UtcNow.AddMinutes(1),
            Governance = new JobGovernance
            {
                Consortium = "fedhealth", CoordinatorJurisdiction = coordinator, SiteJurisdictions = sites,
                InboundLegalBases = new Dictionary<string, string>()
            },
        }));
        return (gate, audit);
    }

    private static EvaluationSubmitted WithModel() => JobFixtures.GoodEvaluation(Job, 1, "A") with
    {
        Personalised = JobFixtures.GoodEvaluation(Job, 1, "A").Evaluation,
        PersonalModel = new FedHealth.Learning.Models.FlatParameters(JobFixtures.Layout, [1, 2, 3]).ToWeights(),
    };

    private static readonly string[] AllKinds = [DataKinds.ModelUpdate, DataKinds.AggregateMetrics, DataKinds.PersonalModel];

    [Fact]
    public void A_personal_model_leaves_when_the_policy_lists_it_and_allows_every_peer_and_the_audit_says_so()
    {
        var (gate, audit) = Gate(AllKinds, new Dictionary<string, string> { ["A"] = "DE", ["B"] = "NL", ["C"] = "FR" });
        Assert.Null(gate.PersonalModelRefusal(WithModel()));
        var sent = Assert.IsType<EvaluationSubmitted>(gate.Release(WithModel()));
        Assert.NotNull(sent.PersonalModel);
        Assert.Contains(audit.Read(), a => a is { Direction: "sent", DataKind: DataKinds.PersonalModel, LegalBasis: "sameRegime" });
    }

    [Fact]
    public void A_peer_in_a_jurisdiction_the_policy_does_not_allow_keeps_the_model_home_naming_it()
    {
        var (gate, audit) = Gate(AllKinds, new Dictionary<string, string> { ["A"] = "DE", ["B"] = "NL", ["C"] = "US" });
        Assert.Contains("from DE to US", gate.PersonalModelRefusal(WithModel()));
        var refused = Assert.Single(audit.Read(), a => a.Direction == "refused");
        Assert.Equal(("C", "US", DataKinds.PersonalModel), (refused.Counterpart, refused.CounterpartJurisdiction, refused.DataKind));
        // Without the model the same evaluation leaves: only aggregate figures.
        Assert.IsType<EvaluationSubmitted>(gate.Release(WithModel() with { PersonalModel = null }));
    }

    [Fact]
    public void Sharing_a_personal_model_needs_the_policy_to_list_it_even_with_a_coordinator_and_peers_at_home()
    {
        var (gate, _) = Gate([DataKinds.ModelUpdate, DataKinds.AggregateMetrics],
            new Dictionary<string, string> { ["A"] = "DE", ["B"] = "DE" }, coordinator: "DE");
        Assert.Contains("does not allow sending personalModel", gate.PersonalModelRefusal(WithModel()));
        Assert.IsType<RoundDeclined>(gate.Release(WithModel()));
    }

    public void Dispose() => temp.Dispose();
}
