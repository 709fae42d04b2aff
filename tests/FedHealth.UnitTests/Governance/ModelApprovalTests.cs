using FedHealth.Contracts;
using FedHealth.Governance;
using FedHealth.Learning.Models.Architectures;
using FedHealth.Tests.Support;

namespace FedHealth.Tests.Governance;

/// <summary>A hospital's policy on the models it trains: by digest, or within limits, and a policy file's mistakes named.</summary>
public sealed class ModelApprovalTests : IDisposable
{
    private readonly TempFolder temp = new();
    private static readonly ResolvedArchitecture Mlp = Architecture.Resolve(new ModelSpec { Kind = "mlp", Features = 9, HiddenUnits = 16 });

    private static string? Refusal(ModelPolicy? policy, ResolvedArchitecture model) =>
        ModelApproval.Refusal(policy, model.Digest, model.Layout.TotalCount, model.Kinds, ModelTasks.Binary);

    [Fact]
    public void A_model_approved_by_digest_is_trained_and_with_only_digests_every_other_is_refused_naming_its_digest()
    {
        var byDigest = new ModelPolicy { AllowedDigests = [Mlp.Digest.ToUpperInvariant().Replace("SHA256:", "sha256:")] };
        Assert.Null(Refusal(byDigest, Mlp));
        var other = Architecture.Resolve(new ModelSpec { Kind = "mlp", Features = 9, HiddenUnits = 17 });
        Assert.Equal(
            $"model {other.Digest} is not one the site's policy accepts: the site trains only the models it approved by digest, and this is not one of them",
            Refusal(byDigest, other));
        Assert.Null(Refusal(null, other));
    }

    [Fact]
    public void Other_models_are_trained_only_within_every_limit_the_policy_sets()
    {
        Assert.Null(Refusal(new ModelPolicy { MaxParameters = 177, LayerKinds = ["linear", "relu"], Tasks = ["binary"] }, Mlp));
        Assert.EndsWith("it has 177 parameters, more than the 176 allowed", Refusal(new ModelPolicy { MaxParameters = 176 }, Mlp));
        Assert.EndsWith("it uses relu, and the policy allows only linear", Refusal(new ModelPolicy { LayerKinds = ["linear"] }, Mlp));
        Assert.EndsWith("its task is binary, and the policy allows only survival", Refusal(new ModelPolicy { Tasks = ["survival"] }, Mlp));
        // An approved digest wins over the limits: a person read that exact network.
        Assert.Null(Refusal(new ModelPolicy { AllowedDigests = [Mlp.Digest], MaxParameters = 1 }, Mlp));
    }

    [Fact]
    public void A_policy_files_models_section_with_a_malformed_digest_an_unknown_layer_or_task_is_refused_naming_the_field()
    {
        var path = temp.File("policy.json", """
            {
              "jurisdiction": "DE", "consortia": ["c"], "destinations": [], "dataKinds": ["modelUpdate"],
              "models": {
                "allowedDigests": ["sha256:1234"],
                "maxParameters": 0,
                "layerKinds": ["linear", "transformer"],
                "tasks": ["binary", "ranking"]
              }
            }
            """);
        var e = Assert.Throws<PolicyException>(() => SitePolicyFile.Load(path));
        Assert.Contains("models.allowedDigests[0] (line 4): 'sha256:1234' is not a digest", e.Message);
        Assert.Contains("models.maxParameters (line 5): must be at least 1", e.Message);
        Assert.Contains("models.layerKinds[1] (line 6): 'transformer' is not a layer kind", e.Message);
        Assert.Contains("models.tasks[1] (line 7): 'ranking' is not a task (known: binary, survival, multiclass, regression)", e.Message);
    }

    public void Dispose() => temp.Dispose();
}
