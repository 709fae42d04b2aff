using FedHealth.Contracts;
using FedHealth.Governance;
using FedHealth.Tests.Support;
using static FedHealth.Tests.Governance.LedgerSamples;

namespace FedHealth.Tests.Governance;

/// <summary>The one rule for which ledger entries a query selects and which queries are refused (dashboard and CLI both use it).</summary>
public sealed class LedgerQueryTests
{
    private static readonly IReadOnlyList<TransferRecord> Ledger = Chained();

    private static long[] Selected(GetTransferLedger query) => Ledger.Where(query.Matches).Select(e => e.Index).ToArray();

    [Fact]
    public void Each_filter_selects_on_its_own_field()
    {
        Assert.Equal([1L, 2, 3, 4, 5, 6], Selected(new GetTransferLedger()));
        Assert.Equal([1L, 2, 3], Selected(new GetTransferLedger { JobId = FirstJob }));
        Assert.Equal([1L, 2, 4], Selected(new GetTransferLedger { SiteId = "DE-GBSG" }));
        Assert.Equal([3L, 4, 5], Selected(new GetTransferLedger { Jurisdiction = "US" }));
        Assert.Equal([1L, 4], Selected(new GetTransferLedger { SenderJurisdiction = "DE" }));
        Assert.Equal([4L, 5], Selected(new GetTransferLedger { ReceiverJurisdiction = "US" }));
        Assert.Equal([2L, 5], Selected(new GetTransferLedger { DataKind = DataKinds.GlobalModel }));
        Assert.Equal([1L, 2, 5, 6], Selected(new GetTransferLedger { Decision = "allowed" }));
        Assert.Equal([2L, 3, 4], Selected(new GetTransferLedger { From = Hour(1), To = Hour(3) }));
    }

    [Fact]
    public void A_refused_decision_covers_refusals_by_the_coordinator_and_by_a_site_policy()
    {
        Assert.Equal([3L, 4], Selected(new GetTransferLedger { Decision = "refused" }));
        Assert.Equal("refused", TransferDecisions.CategoryOf(Ledger[2].Decision));
        Assert.Equal("refused", TransferDecisions.CategoryOf(Ledger[3].Decision));
    }

    [Fact]
    public void Filters_combine_so_that_all_must_hold()
    {
        Assert.Equal([4L], Selected(new GetTransferLedger { SenderJurisdiction = "DE", Decision = "refused" }));
        Assert.Equal([6L], Selected(new GetTransferLedger { JobId = SecondJob, ReceiverJurisdiction = "NL" }));
        Assert.Equal([5L], Selected(new GetTransferLedger { SiteId = "coordinator", DataKind = DataKinds.GlobalModel, From = Hour(2) }));
        Assert.Empty(Selected(new GetTransferLedger { SenderJurisdiction = "US", ReceiverJurisdiction = "US" }));
        Assert.Empty(Selected(new GetTransferLedger { JobId = FirstJob, To = Hour(0), Decision = "refused" }));
    }

    [Fact]
    public void Jurisdictions_and_sites_match_exactly()
    {
        Assert.Empty(Selected(new GetTransferLedger { Jurisdiction = "de" }));
        Assert.Empty(Selected(new GetTransferLedger { SiteId = "DE" }));
        Assert.Empty(Selected(new GetTransferLedger { SenderJurisdiction = "EU" }));
    }

    [Fact]
    public void Bad_filter_values_are_refused_naming_the_field()
    {
        var cases = new (GetTransferLedger Query, string Field)[]
        {
            (new GetTransferLedger { Limit = 0 }, "limit"),
            (new GetTransferLedger { Limit = -5 }, "limit"),
            (new GetTransferLedger { Limit = LedgerQuery.MaxLimit + 1 }, "limit"),
            (new GetTransferLedger { From = Hour(2), To = Hour(1) }, "from"),
            (new GetTransferLedger { Decision = "denied" }, "decision"),
            (new GetTransferLedger { Decision = "Allowed" }, "decision"),
            (new GetTransferLedger { DataKind = "" }, "dataKind"),
            (new GetTransferLedger { SenderJurisdiction = " " }, "senderJurisdiction"),
            (new GetTransferLedger { SiteId = "" }, "siteId"),
        };
        foreach (var (query, field) in cases)
        {
            var problem = query.Problem();
            Assert.True(problem is not null, $"{query} was not refused");
            Assert.Equal(field, problem.Field);
            Assert.Contains(field, problem.Reason);
        }
    }

    [Fact]
    public void Good_queries_have_no_problem_including_an_instant_period_and_the_largest_limit()
    {
        Assert.Null(new GetTransferLedger().Problem());
        Assert.Null(new GetTransferLedger { From = Hour(1), To = Hour(1), Limit = LedgerQuery.MaxLimit, Decision = "refused" }.Problem());
        Assert.Equal([2L], Selected(new GetTransferLedger { From = Hour(1), To = Hour(1) }));
    }

    [Fact]
    public void A_page_holds_the_newest_matching_entries_the_total_and_the_head_of_the_whole_chain()
    {
        var facets = new TransferFacets();
        var page = Assert.IsType<TransferLedgerPage>(new GetTransferLedger { Decision = "allowed", Limit = 2 }.Answer(Ledger, facets.Current));
        Assert.Equal([5L, 6], page.Entries.Select(e => e.Index));
        Assert.Equal(4, page.Total);
        Assert.Equal(Ledger[^1].Hash, page.Head);
        Assert.Same(facets.Current, page.Facets);
    }

    [Fact]
    public void A_bad_query_is_answered_with_a_refusal_not_a_clamped_page()
    {
        var refused = Assert.IsType<TransferLedgerRefused>(new GetTransferLedger { Limit = 0 }.Answer(Ledger, new TransferFacets().Current));
        Assert.Equal("limit", refused.Field);
    }

    [Fact]
    public void Facets_offer_every_value_of_the_whole_ledger_once()
    {
        var facets = new TransferFacets();
        foreach (var entry in Ledger) facets.Add(entry);
        var offered = facets.Current;
        Assert.Equal([FirstJob, SecondJob], offered.Jobs);
        Assert.Equal(["DE-GBSG", "FR-CURIE", "US-MAYO", "coordinator"], offered.Sites);
        Assert.Equal(["DE", "FR", "NL", "US"], offered.Jurisdictions);
        Assert.Equal([DataKinds.AggregateMetrics, DataKinds.GlobalModel, DataKinds.MaskedModelUpdate, DataKinds.ModelUpdate], offered.DataKinds);
        Assert.Equal(["allowed", "refused"], offered.Decisions);

        facets.Add(Ledger[0]);
        Assert.Same(offered, facets.Current);
        facets.Add(Ledger[0] with { DataKind = DataKinds.KeyExchange });
        Assert.Contains(DataKinds.KeyExchange, facets.Current.DataKinds);
    }

    [Fact]
    public async Task The_cli_refuses_a_bad_filter_with_the_same_message_before_reading_any_database()
    {
        var (code, errors) = await CliRunner.RunReadingErrors("ledger", "export", "--data-dir", "/nonexistent", "--decision", "denied");
        Assert.Equal(2, code);
        Assert.Contains(new GetTransferLedger { Decision = "denied" }.Problem()!.Reason, errors);

        (code, errors) = await CliRunner.RunReadingErrors("ledger", "export", "--data-dir", "/nonexistent", "--from", "2026-03-02", "--to", "2026-03-01");
        Assert.Equal(2, code);
        Assert.Contains("from (", errors);
    }
}

/// <summary>What a spreadsheet would run from an exported ledger: nothing.</summary>
public sealed class LedgerCsvInjectionTests
{
    [Theory]
    [InlineData("=HYPERLINK(\"http://x\")")]
    [InlineData("+cmd")]
    [InlineData("-2+3+cmd|' /C calc'!A0")]
    [InlineData("@SUM(A1)")]
    [InlineData("\tcmd")]
    [InlineData("\rcmd")]
    public void A_cell_a_spreadsheet_would_read_as_a_formula_is_prefixed_so_it_stays_text(string attack)
    {
        var csv = LedgerExport.Csv([LedgerSamples.Chained()[0] with { Sender = attack }]);
        var cell = csv.Split('\n')[1].Split(',')[4].Trim('"');
        Assert.StartsWith("'", cell);
    }

    [Fact]
    public void A_negative_number_is_left_a_number()
    {
        var csv = LedgerExport.Csv([LedgerSamples.Chained()[0] with { Round = -1 }]);
        Assert.Equal("-1", csv.Split('\n')[1].Split(',')[3]);
    }
}
