using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json;
using FedHealth.Contracts;
using FedHealth.Coordinator.Hosting;
using FedHealth.Coordinator.Ledger;
using FedHealth.Governance;

namespace FedHealth.Cli;

/// <summary>`fedhealth ledger verify` and `fedhealth ledger export`: the transfer ledger, read straight from the journal's database.</summary>
public static class LedgerCommands
{
    public static Command Create()
    {
        var dataDir = new Option<string?>("--data-dir") { Description = "The data directory of `fedhealth local` (its SQLite journal)" };
        var connection = new Option<string?>("--connection") { Description = "PostgreSQL connection string of the coordinator's journal" };
        var head = new Option<string?>("--head") { Description = "A head hash a site was shown: verify also checks the chain contains it" };
        var verify = new Command("verify",
            "Recompute the hash chain from the database; exit 1 at the first altered, inserted or deleted entry.") { dataDir, connection, head };
        verify.SetAction(result => CliErrors.Guarded(() =>
        {
            var (provider, connectionString) = Journal(result.GetValue(dataDir), result.GetValue(connection));
            var verification = LedgerVerification.Run(provider, connectionString, result.GetValue(head), DateTimeOffset.UtcNow);
            if (!verification.Readable) return CliErrors.Fail(verification.Message);
            Console.WriteLine(verification.Intact ? $"intact: {verification.Message}" : $"BROKEN: {verification.Message}");
            return verification.Intact ? 0 : 1;
        }));

        var format = new Option<string>("--format") { Description = "csv or json", DefaultValueFactory = _ => "csv" };
        format.AcceptOnlyFromAmong("csv", "json");
        var output = new Option<string?>("--out") { Description = "File to write (standard output when absent)" };
        var job = new Option<Guid?>("--job") { Description = "Only this job" };
        var site = new Option<string?>("--site") { Description = "Only transfers from or to this site" };
        var jurisdiction = new Option<string?>("--jurisdiction") { Description = "Only transfers from or to this jurisdiction" };
        var senderJurisdiction = new Option<string?>("--sender-jurisdiction") { Description = "Only transfers sent from this jurisdiction" };
        var receiverJurisdiction = new Option<string?>("--receiver-jurisdiction") { Description = "Only transfers sent to this jurisdiction" };
        var dataKind = new Option<string?>("--data-kind") { Description = $"Only transfers of this kind ({string.Join(", ", DataKinds.All)})" };
        var decision = new Option<string?>("--decision") { Description = "Only allowed or only refused transfers (allowed, refused)" };
        var from = new Option<DateTimeOffset?>("--from") { Description = "Only transfers at or after this time (ISO 8601)" };
        var to = new Option<DateTimeOffset?>("--to") { Description = "Only transfers at or before this time (ISO 8601)" };
        var export = new Command("export", "Write ledger entries as CSV or JSON, filtered by job, site, jurisdictions, data kind, decision and period.")
        {
            dataDir, connection, format, output, job, site, jurisdiction, senderJurisdiction, receiverJurisdiction, dataKind, decision, from, to,
        };
        export.SetAction(result => CliErrors.Guarded(() =>
        {
            // The dashboard's query, so an export selects exactly what the dashboard shows for the same filters.
            var query = new GetTransferLedger
            {
                JobId = result.GetValue(job), SiteId = result.GetValue(site), Jurisdiction = result.GetValue(jurisdiction),
                SenderJurisdiction = result.GetValue(senderJurisdiction), ReceiverJurisdiction = result.GetValue(receiverJurisdiction),
                DataKind = result.GetValue(dataKind), Decision = result.GetValue(decision), From = result.GetValue(from), To = result.GetValue(to),
            };
            if (query.Problem() is { } problem) return CliErrors.Fail(problem.Reason);
            var (provider, connectionString) = Journal(result.GetValue(dataDir), result.GetValue(connection));
            var entries = LedgerStore.Read(provider, connectionString).Select(s => s.Record).Where(query.Matches).ToList();
            var text = LedgerExport.Write(entries, result.GetValue(format)!);
            if (result.GetValue(output) is { } path) { File.WriteAllText(path, text); Console.Error.WriteLine($"wrote {entries.Count} entries to {path}"); }
            else Console.Write(text);
            return 0;
        }));
        return new Command("ledger", "The cross-border transfer ledger.") { verify, export };
    }

    private static (string Provider, string ConnectionString) Journal(string? dataDir, string? connection) => (dataDir, connection) switch
    {
        ({ } dir, null) => (CoordinatorOptions.Sqlite, LedgerStore.SqliteConnection(dir)),
        (null, { } pg) => (CoordinatorOptions.PostgreSql, pg),
        _ => throw new ArgumentException("give either --data-dir (SQLite journal of `fedhealth local`) or --connection (PostgreSQL)"),
    };
}
