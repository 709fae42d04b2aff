using System.Globalization;
using System.Text;
using System.Text.Json;
using FedHealth.Contracts;

namespace FedHealth.Governance;

/// <summary>Ledger entries as an auditor takes them away, in CSV or JSON: the CLI's `ledger export` and the dashboard's export write the same bytes.</summary>
public static class LedgerExport
{
    public const string CsvFormat = "csv";
    public const string JsonFormat = "json";

    public static string Write(IEnumerable<TransferRecord> entries, string format) => format switch
    {
        CsvFormat => Csv(entries),
        JsonFormat => JsonSerializer.Serialize(entries, new JsonSerializerOptions(WireJson.Options) { WriteIndented = true }),
        _ => throw new ArgumentException($"format: '{format}' is not csv or json"),
    };

    public static string Csv(IEnumerable<TransferRecord> entries)
    {
        var csv = new StringBuilder(
            "index,at,job,round,sender,senderJurisdiction,receiver,receiverJurisdiction,dataKind,bytes,payloadSha256,legalBasis,decision,previousHash,hash," +
            "modelDigest\n");
        foreach (var e in entries)
            csv.AppendLine(
                string.Join(",", new object[] { e.Index, e.At.ToString("O", CultureInfo.InvariantCulture), e.JobId, e.Round, e.Sender, e.SenderJurisdiction,
                e.Receiver, e.ReceiverJurisdiction, e.DataKind, e.Bytes, e.PayloadSha256, e.LegalBasis, e.Decision, e.PreviousHash, e.Hash,
                    e.ModelDigest ?? "" }.Select(v =>
                    Quote(Convert.ToString(v, CultureInfo.InvariantCulture)!))));
        return csv.ToString();
    }

    // Values with commas, quotes or line breaks are quoted (RFC 4180); a value starting with = + - @, a tab or a carriage
    // return (what spreadsheets read as a formula, OWASP's list) is prefixed so a spreadsheet does not run it; a number is left be.
    private static string Quote(string value)
    {
        if (value.Length > 0 && value[0] is '=' or '+' or '-' or '@' or '\t' or '\r' && !double.TryParse(value, CultureInfo.InvariantCulture, out _))
            value = "'" + value;
        return value.IndexOfAny([',', '"', '\n', '\r']) < 0 ? value : "\"" + value.Replace("\"", "\"\"") + "\"";
    }
}
