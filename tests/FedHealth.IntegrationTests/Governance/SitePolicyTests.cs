using System.Text.Json.Nodes;
using Akka.Actor;
using FedHealth.Cli.Local;
using FedHealth.Contracts;
using FedHealth.Coordinator.Hosting;
using FedHealth.Coordinator.Ledger;
using FedHealth.Governance;
using FedHealth.Learning.Data;
using FedHealth.SiteAgent;
using FedHealth.Tests.Coordinator;
using FedHealth.Tests.Support;

namespace FedHealth.Tests.Governance;

public sealed class SitePolicyTests : IDisposable
{
    private readonly TempFolder temp = new();

    private const string Policy = """
        {
          "jurisdiction": "DE",
          "consortia": ["fedhealth"],
          "destinations": [ { "jurisdiction": "EU", "legalBasis": "sameRegime" } ],
          "dataKinds": ["maskedModelUpdate", "aggregateMetrics", "keyExchange"]
        }
        """;

    [Fact]
    public void A_policy_allows_what_it_lists_and_refuses_the_rest_with_the_reason()
    {
        var policy = SitePolicyFile.Load(temp.File("p.json", Policy));
        Assert.Equal(TransferDecision.Allow("sameRegime"), policy.Evaluate(DataKinds.MaskedModelUpdate, "NL"));
        Assert.Contains("from DE to US (US/HIPAA)", policy.Evaluate(DataKinds.MaskedModelUpdate, "US").LegalBasisOrReason);
        Assert.Contains("does not allow sending modelUpdate", policy.Evaluate(DataKinds.ModelUpdate, "NL").LegalBasisOrReason);
    }

    [Fact]
    public void An_unknown_jurisdiction_is_refused_at_start_naming_the_field_and_line()
    {
        var e = Assert.Throws<PolicyException>(() => SitePolicyFile.Load(temp.File("p.json", Policy.Replace("\"EU\"", "\"Europe\""))));
        Assert.Contains("destinations[0].jurisdiction (line 4)", e.Message);
        Assert.Contains("'Europe' is not a known jurisdiction", e.Message);
        var country = Assert.Throws<PolicyException>(() => SitePolicyFile.Load(temp.File("q.json", Policy.Replace("\"DE\"", "\"XX\""))));
        Assert.Contains("jurisdiction (line 2)", country.Message);
    }

    [Fact]
    public void A_typo_in_a_field_name_is_refused_naming_it_and_its_line()
    {
        var e = Assert.Throws<PolicyException>(() => SitePolicyFile.Load(temp.File("p.json", Policy.Replace("\"dataKinds\"", "\"dataKind\""))));
        Assert.Contains("line 5", e.Message);
        Assert.Contains("dataKind", e.Message);
        var kinds = Assert.Throws<PolicyException>(() => SitePolicyFile.Load(temp.File("r.json", Policy.Replace("\"keyExchange\"", "\"patientRecords\""))));
        Assert.Contains("records can never be sent", kinds.Message);
    }

    [Fact]
    public void A_site_whose_policy_names_another_country_than_its_config_fails_to_start()
    {
        var policy = temp.File("p.json", Policy.Replace("\"DE\"", "\"FR\""));
        var config = JsonNode.Parse(File.ReadAllText(Path.Combine(Paths.Sites, "de-gbsg.json")))!.AsObject();
        config["policyFile"] = policy;
        config["data"]!["csv"] = Path.Combine(Paths.Federation, "data", "gbsg-germany.csv");
        config["data"]!["schema"] = Path.Combine(Paths.Federation, "schema.gbsg.json");
        var e = Assert.Throws<DataException>(() => SiteConfigFile.Load(temp.File("site.json", config.ToJsonString())));
        Assert.Contains("jurisdiction 'FR' differs from site.jurisdiction 'DE'", e.Message);
    }

    [Fact]
    public async Task A_policy_that_forbids_EU_to_US_refuses_the_transfer_and_the_ledger_shows_the_refusal()
    {
        // A US-hosted coordinator: the Dutch sites' policies allow the US under standard contractual clauses, the German one does not.
        var federation = Path.Combine(temp.Path, "federation");
        TempFolder.CopyFolder(Paths.Federation, federation);
        foreach (var file in Directory.GetFiles(Path.Combine(federation, "policies"), "nl-*.policy.json"))
        {
            var policy = JsonNode.Parse(File.ReadAllText(file),
                documentOptions: new() { CommentHandling = System.Text.Json.JsonCommentHandling.Skip })!.AsObject();
            policy["destinations"]!.AsArray().Add(new JsonObject { ["jurisdiction"] = "US", ["legalBasis"] = "standardContractualClauses" });
            File.WriteAllText(file, policy.ToJsonString());
        }
        var dataDir = Path.Combine(temp.Path, "data");
        var run = await new LocalFederation(new LocalRunOptions
        {
            Rounds = 2, Headless = true, DataDir = dataDir, FederationDir = federation, CoordinatorJurisdiction = "US",
        }, TextWriter.Null).Run(new CancellationTokenSource(TimeSpan.FromMinutes(5)).Token);

        Assert.Equal("completed", run.Summary.Outcome);
        Assert.All(run.Rounds, r => Assert.DoesNotContain("DE-GBSG", r.Contributors));
        Assert.All(run.Rounds, r => Assert.Contains("from DE to US", r.LeftOut.Single(l => l.SiteId == "DE-GBSG").Reason));
        var ledger = LedgerStore.Read(CoordinatorOptions.Sqlite, LedgerStore.SqliteConnection(dataDir)).Select(s => s.Record).ToList();
        var refusals = ledger.Where(r => r.Sender == "DE-GBSG" && r.Decision.StartsWith("refused by site policy")).ToList();
        Assert.NotEmpty(refusals);
        Assert.All(refusals, r => Assert.Equal(("DE", "US", 0L), (r.SenderJurisdiction, r.ReceiverJurisdiction, r.Bytes)));
        Assert.DoesNotContain(ledger, r => r.Sender == "DE-GBSG" && r.Decision == "allowed");
        Assert.Contains(ledger, r => r.Sender == "NL-ROTTERDAM-A" && r.Decision == "allowed" && r.LegalBasis == "standardContractualClauses");
        Assert.True(ChainVerification.Verify(LedgerStore.Read(CoordinatorOptions.Sqlite, LedgerStore.SqliteConnection(dataDir))).Intact);

        var audit = new AuditLog(Path.Combine(dataDir, "sites", "DE-GBSG", "audit.jsonl")).Read();
        Assert.Contains(audit, a => a.Direction == "refused" && a.CounterpartJurisdiction == "US");
        Assert.DoesNotContain(audit, a => a.Direction == "sent" && a.DataKind is not null);
    }

    [Fact]
    public async Task The_ledger_read_model_is_rebuilt_from_the_journal_after_a_restart()
    {
        var options = new CoordinatorOptions { DataDir = temp.Path, AkkaLogLevel = "WARNING" };
        var first = ActorSystem.Create(AkkaConfiguration.SystemName, AkkaConfiguration.For(options));
        var ledger = first.ActorOf(TransferLedger.Props(new RecordingPublisher()));
        foreach (var i in Enumerable.Range(1, 3))
            ledger.Tell(new TransferLedger.Record(new TransferRecord
            {
                Index = 0, At = DateTimeOffset.UtcNow, JobId = Guid.Empty, Round = i, Sender = "A", SenderJurisdiction = "DE", Receiver = "coordinator",
                ReceiverJurisdiction = "NL", DataKind = DataKinds.MaskedModelUpdate, Bytes = i, PayloadSha256 = new string('a', 64), LegalBasis = "sameRegime",
                Decision = "allowed", PreviousHash = "",
            }));
        var before = await ledger.Ask<TransferLedgerPage>(new GetTransferLedger(), TimeSpan.FromSeconds(10));
        await first.Terminate();

        var second = ActorSystem.Create(AkkaConfiguration.SystemName, AkkaConfiguration.For(options));
        try
        {
            var after = await second.ActorOf(TransferLedger.Props(new RecordingPublisher()))
                .Ask<TransferLedgerPage>(new GetTransferLedger { SiteId = "A", Jurisdiction = "DE" }, TimeSpan.FromSeconds(10));
            Assert.Equal(3, after.Total);
            Assert.Equal(before.Head, after.Head);
            Assert.Equal([1L, 2L, 3L], after.Entries.Select(e => e.Index));
        }
        finally { await second.Terminate(); }
    }


    public void Dispose() => temp.Dispose();
}
