using System.Text.Json.Nodes;
using FedHealth.Cli.Local;
using FedHealth.Contracts;
using FedHealth.Coordinator.Hosting;
using FedHealth.Coordinator.Ledger;
using FedHealth.Governance;
using FedHealth.SiteAgent;
using FedHealth.Tests.Support;

namespace FedHealth.Tests.Local;

/// <summary>Cross-site evaluation end to end: real site agents, the coordinator, the bus, the journal and the ledger.</summary>
public sealed class CrossSiteFederationTests : IDisposable
{
    private readonly TempFolder temp = new();

    [Fact]
    public async Task Every_shared_personal_model_is_scored_at_every_site_and_a_site_whose_policy_forbids_it_keeps_its_own()
    {
        // The German hospital's policy does not list personalModel: its personal model must stay at home.
        var federation = Path.Combine(temp.Path, "federation");
        TempFolder.CopyFolder(Paths.Federation, federation);
        var gbsgPolicy = Path.Combine(federation, "policies", "de-gbsg.policy.json");
        var policy = JsonNode.Parse(File.ReadAllText(gbsgPolicy),
            documentOptions: new() { CommentHandling = System.Text.Json.JsonCommentHandling.Skip })!.AsObject();
        var kinds = policy["dataKinds"]!.AsArray();
        kinds.Remove(kinds.Single(k => k!.GetValue<string>() == DataKinds.PersonalModel));
        File.WriteAllText(gbsgPolicy, policy.ToJsonString());
        var dataDir = Path.Combine(temp.Path, "data");
        var output = new StringWriter();

        var run = await new LocalFederation(new LocalRunOptions
        {
            Rounds = 2, Seed = 3, Headless = true, DataDir = dataDir, FederationDir = federation,
            Personalisation = new PersonalisationSpec { Method = "finetune", Epochs = 3, CrossSiteEvaluation = true },
        }, output).Run(new CancellationTokenSource(TimeSpan.FromMinutes(5)).Token);

        Assert.Equal("completed", run.Summary.Outcome);
        Assert.False(run.Spec.SecureAggregation, "personal models travel, so the job runs on sealed plain updates");
        var report = run.Summary.CrossSite!;
        var sites = run.Sites.Select(s => s.Id).ToList();
        string?[] rows = [null, "NL-ROTTERDAM-A", "NL-ROTTERDAM-B", "NL-ROTTERDAM-C"];
        Assert.Equal(rows.SelectMany(r => sites.Select(s => (r, s))).OrderBy(c => c.r ?? "", StringComparer.Ordinal).ThenBy(c => c.s, StringComparer.Ordinal),
            report.Cells.Select(c => (c.PersonalOf, c.SiteId)));
        var withheld = Assert.Single(report.Withheld);
        Assert.Equal("DE-GBSG", withheld.SiteId);
        Assert.Contains("does not allow sending personalModel", withheld.Reason);
        Assert.Empty(report.NotScored);

        // The matrix agrees with the round report: the global row is each site's final figure, the diagonal each personal model on its own rows.
        var last = run.Rounds[^1];
        foreach (var site in sites)
            Assert.Equal(last.Sites.Single(s => s.SiteId == site).Metrics.Auc,
                report.Cells.Single(c => c.PersonalOf is null && c.SiteId == site).Metrics.Auc, 6);
        foreach (var owner in rows.OfType<string>())
            Assert.Equal(last.Personalised.Single(p => p.SiteId == owner).Metrics.Auc,
                report.Cells.Single(c => c.PersonalOf == owner && c.SiteId == owner).Metrics.Auc, 6);
        Assert.Contains(last.Personalised, p => p.SiteId == "DE-GBSG");
        Assert.Contains("personal model of NL-ROTTERDAM-B", output.ToString());
        Assert.Contains("personal model of DE-GBSG not in the matrix: ", output.ToString());

        // The auditor's view: the German site's refusal is in its own audit log; the personal models sent to it (NL to DE) are in the ledger.
        var audit = new AuditLog(Path.Combine(dataDir, "sites", "DE-GBSG", "audit.jsonl")).Read();
        Assert.Contains(audit, a => a is { Direction: "refused", DataKind: DataKinds.PersonalModel });
        Assert.DoesNotContain(audit, a => a is { Direction: "sent", DataKind: DataKinds.PersonalModel });
        Assert.Contains(new AuditLog(Path.Combine(dataDir, "sites", "NL-ROTTERDAM-A", "audit.jsonl")).Read(),
            a => a is { Direction: "sent", DataKind: DataKinds.PersonalModel, Message: nameof(EvaluationSubmitted) });
        var ledger = LedgerStore.Read(CoordinatorOptions.Sqlite, LedgerStore.SqliteConnection(dataDir)).Select(s => s.Record).ToList();
        Assert.Contains(ledger, r => r is { Sender: "coordinator", Receiver: "DE-GBSG", DataKind: DataKinds.PersonalModel, Decision: "allowed" });
        Assert.DoesNotContain(ledger, r => r is { Sender: "DE-GBSG", DataKind: DataKinds.PersonalModel });
    }

    public void Dispose() => temp.Dispose();
}
