using FedHealth.Contracts;
using FedHealth.Dashboard;
using FedHealth.Learning.Models.Architectures;
using static FedHealth.Tests.Coordinator.JobFixtures;

namespace FedHealth.Tests.Browser;

/// <summary>
/// What the job form and POST /api/jobs tell a lead about a model before launching: its figures, which chosen sites'
/// policies would train it and why the others refuse, and a launch refused when fewer than minSites would.
/// </summary>
public sealed class ModelAcceptanceTests
{
    private static readonly ModelSpec Declared = new()
    {
        Kind = "declared", Features = 2,
        Layers = [new LayerSpec { Kind = "linear", Units = 4 }, new LayerSpec { Kind = "relu" }, new LayerSpec { Kind = "linear", Units = 1 }],
    };

    private static SiteHeartbeat Site(string id, ModelPolicy? models) => Heartbeat(id) with
    {
        Policy = new PolicySummary { Destinations = [], DataKinds = [], Consortia = [], Models = models },
    };

    [Fact]
    public void Each_site_is_judged_by_its_own_models_section_and_one_without_a_policy_trains_any_model_that_builds()
    {
        var small = new ModelPolicy { MaxParameters = 10 };
        var check = ModelAcceptance.Check(Declared, Features, [Site("A", null), Heartbeat("B"), Site("C", small)]);
        Assert.Equal(17, check.Parameters);
        Assert.Equal(Architecture.Resolve(Declared, Features).Digest, check.Digest);
        Assert.Equal([[4], [4], [1]], check.Layers.Select(l => l.Output.ToArray()));
        Assert.Equal(["linear", "relu", "linear"], check.Layers.Select(l => l.Kind));
        Assert.Empty(check.Problems);
        Assert.Equal(["A", "B"], check.Accepting);
        var refusal = Assert.Single(check.Refusing);
        Assert.Equal("C", refusal.Site);
        Assert.EndsWith("it has 17 parameters, more than the 10 allowed", refusal.Reason);
        // A digest a person approved is trained whatever the limits say.
        Assert.Empty(ModelAcceptance.Check(Declared, Features, [Site("C", small with { AllowedDigests = [check.Digest!] })]).Refusing);
    }

    [Fact]
    public void A_model_that_does_not_build_is_named_at_its_field_with_the_layer_and_judged_by_nobody()
    {
        var broken = Declared with { Layers = [new LayerSpec { Kind = "linear", Units = 4 }, new LayerSpec { Kind = "conv2d", Units = 2, Kernel = 3 }] };
        var check = ModelAcceptance.Check(broken, Features, [Heartbeat("A")]);
        Assert.StartsWith("model.layers: layer 1 (conv2d)", Assert.Single(check.Problems));
        Assert.Null(check.Digest);
        Assert.Empty(check.Accepting);
        Assert.Empty(check.Refusing);
        Assert.StartsWith("model: an mlp needs at least one hidden unit",
            Assert.Single(ModelAcceptance.Check(new ModelSpec { Kind = "mlp", Features = 2, HiddenUnits = 0 }, Features, []).Problems));
        Assert.StartsWith("model.features: 3 does not match the 2",
            Assert.Single(ModelAcceptance.Check(Declared with { Features = 3 }, Features, []).Problems));
    }

    [Fact]
    public void A_launch_is_refused_when_fewer_participants_than_min_sites_would_train_the_model()
    {
        var onlyLinear = new ModelPolicy { LayerKinds = ["linear"] };
        var online = new[] { Site("A", null), Site("B", onlyLinear), Site("C", onlyLinear) };
        var spec = Spec(minSites: 2) with { Model = Declared };
        var problem = ModelAcceptance.Problem(spec, online);
        Assert.StartsWith("model: 1 of the 3 sites taking part would train it, and the job needs 2 (minSites): B refuses: ", problem);
        Assert.Contains("C refuses: ", problem);
        Assert.Contains("it uses relu, and the policy allows only linear", problem);
        // Enough would (minSites 1), the refusing sites are not taking part, or the model is one they allow.
        Assert.Null(ModelAcceptance.Problem(spec with { MinSites = 1 }, online));
        Assert.Null(ModelAcceptance.Problem(spec with { Sites = ["A", "B"], MinSites = 1 }, online));
        Assert.Null(ModelAcceptance.Problem(Spec(minSites: 3), online));
        // Problems the coordinator names itself (too few sites online, a model that does not build) are left to it.
        Assert.Null(ModelAcceptance.Problem(spec with { MinSites = 4 }, online));
        Assert.Null(ModelAcceptance.Problem(spec with { Model = Declared with { Layers = [new LayerSpec { Kind = "relu" }] } }, online));
    }

    [Fact]
    public void The_sites_judged_are_the_named_online_ones_or_every_online_site_with_the_features()
    {
        var online = new[] { Heartbeat("B"), Heartbeat("A"), Heartbeat("X") with { FeatureNames = ["other"] } };
        Assert.Equal(["A", "B"], ModelAcceptance.Chosen(null, Features, online).Select(s => s.SiteId));
        Assert.Equal(["A", "B"], ModelAcceptance.Chosen([], Features, online).Select(s => s.SiteId));
        Assert.Equal(["X", "A"], ModelAcceptance.Chosen(["X", "A", "Q", "A"], Features, online).Select(s => s.SiteId));
    }
}
