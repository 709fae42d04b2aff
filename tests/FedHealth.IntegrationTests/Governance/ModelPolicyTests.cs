using System.Text.Json.Nodes;
using FedHealth.Cli.Local;
using FedHealth.Contracts;
using FedHealth.Coordinator.Hosting;
using FedHealth.Coordinator.Ledger;
using FedHealth.Governance;
using FedHealth.Learning.Models;
using FedHealth.Learning.Models.Architectures;
using FedHealth.SiteAgent;
using FedHealth.Tests.Support;

namespace FedHealth.Tests.Governance;

/// <summary>A declared network trained by the hospitals whose policy accepts it, and declined, before any row is read, by the one whose policy does
/// not.</summary>
public sealed class ModelPolicyTests : IDisposable
{
    private readonly TempFolder temp = new();

    private static readonly IReadOnlyList<LayerSpec> Convolutional =
    [
        new() { Kind = LayerKinds.Conv1d, Units = 4, Kernel = 3, Padding = 1, Name = "conv" }, new() { Kind = LayerKinds.Relu },
        new() { Kind = LayerKinds.Flatten }, new() { Kind = LayerKinds.LayerNorm, Name = "norm" },
        new() { Kind = LayerKinds.Residual, Name = "block",
            Layers = [new() { Kind = LayerKinds.Linear, Units = 32, Name = "inner" }, new() { Kind = LayerKinds.Tanh }] },
        new() { Kind = LayerKinds.Linear, Units = 1, Name = "head" },
    ];

    [Fact]
    public async Task A_site_whose_policy_does_not_accept_the_network_declines_it_naming_its_digest_in_its_audit_log_the_participation_and_the_ledger()
    {
        var federation = Path.Combine(temp.Path, "federation");
        TempFolder.CopyFolder(Paths.Federation, federation);
        var policyFile = Path.Combine(federation, "policies", "de-gbsg.policy.json");
        var policy = JsonNode.Parse(File.ReadAllText(policyFile),
            documentOptions: new() { CommentHandling = System.Text.Json.JsonCommentHandling.Skip })!.AsObject();
        policy["models"] = new JsonObject { ["maxParameters"] = 10_000, ["layerKinds"] = new JsonArray("linear", "relu", "dropout") };
        File.WriteAllText(policyFile, policy.ToJsonString());
        var dataDir = Path.Combine(temp.Path, "data");
        var run = await new LocalFederation(new LocalRunOptions
        {
            Rounds = 2, Headless = true, DataDir = dataDir, FederationDir = federation, Model = ModelKinds.Declared, Layers = Convolutional,
        }, TextWriter.Null).Run(new CancellationTokenSource(TimeSpan.FromMinutes(5)).Token);

        var digest = Architecture.Resolve(run.Spec.Model!, run.Spec.FeatureNames).Digest;
        Assert.Equal("completed", run.Summary.Outcome);
        // The other three hospitals trained it; the German one declined each round before training, and its evaluation too.
        Assert.All(run.Rounds, r => Assert.Equal(["NL-ROTTERDAM-A", "NL-ROTTERDAM-B", "NL-ROTTERDAM-C"], r.Contributors.Order()));
        Assert.All(run.Rounds, r => Assert.Equal($"site policy: model {digest} is not one the site's policy accepts: it uses conv1d, flatten, layernorm, " +
            "residual, tanh, and the policy allows only linear, relu, dropout", r.LeftOut.Single(l => l.SiteId == "DE-GBSG").Reason));
        Assert.All(run.Rounds, r => Assert.DoesNotContain(r.Sites, s => s.SiteId == "DE-GBSG"));
        Assert.True(run.Summary.Global.Auc > 0.6, $"the declared network reached AUC {run.Summary.Global.Auc:F4}");

        var audit = new AuditLog(Path.Combine(dataDir, "sites", "DE-GBSG", "audit.jsonl")).Read();
        Assert.Contains(audit, a => a.Direction == "refused" && a.Message == "RoundStarted" && a.Decision.Contains(digest));
        Assert.Contains(audit, a => a.Direction == "refused" && a.Message == "EvaluationRequested" && a.Decision.Contains(digest));
        Assert.DoesNotContain(audit, a => a.Direction == "sent" && a.DataKind is not null);

        // The coordinator is in the Netherlands: the German refusal crossed a border, so the ledger records it, and every
        // entry of the job names the model.
        var ledger = LedgerStore.Read(CoordinatorOptions.Sqlite, LedgerStore.SqliteConnection(dataDir)).Select(s => s.Record).ToList();
        Assert.Contains(ledger, r => r.Sender == "DE-GBSG" && r.Decision.StartsWith("refused by site policy") && r.Decision.Contains(digest));
        Assert.NotEmpty(ledger);
        Assert.All(ledger, r => Assert.Equal(digest, r.ModelDigest));
        Assert.True(ChainVerification.Verify(LedgerStore.Read(CoordinatorOptions.Sqlite, LedgerStore.SqliteConnection(dataDir))).Intact);
        // The saved model says what it is.
        var card = JsonNode.Parse(File.ReadAllText(Path.Combine(dataDir, "models", $"{run.Summary.JobId}.pt.json")))!;
        Assert.Equal(digest, (string?)card["digest"]);
    }

    public void Dispose() => temp.Dispose();
}
