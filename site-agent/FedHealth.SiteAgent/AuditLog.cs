using System.Text.Json;
using FedHealth.Contracts;

namespace FedHealth.SiteAgent;

/// <summary>One line of the site's audit log: a message sent, received or refused, what it carried and on what basis.</summary>
public sealed record AuditEntry(DateTimeOffset At, string Direction, string Message, Guid? JobId, int? Round, string Counterpart,
    string? CounterpartJurisdiction, string? DataKind, long Bytes, string Sha256, string? LegalBasis, string Decision, string? LedgerHead = null);

/// <summary>
/// The site's own record of everything it sent, received and refused (JSON lines in its state folder), kept by the
/// hospital independently of the coordinator's ledger; it also notes the ledger head each round showed, so the two
/// can be cross-checked.
/// </summary>
public sealed class AuditLog(string path)
{
    private readonly object gate = new();

    public string Path { get; } = path;

    public void Write(AuditEntry entry)
    {
        lock (gate)
        {
            Directory.CreateDirectory(System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(Path))!);
            File.AppendAllText(Path, JsonSerializer.Serialize(entry, WireJson.Options) + "\n");
        }
    }

    public IReadOnlyList<AuditEntry> Read()
    {
        lock (gate)
        {
            if (!File.Exists(Path)) return [];
            return File.ReadAllLines(Path).Where(l => l.Length > 0).Select(l => JsonSerializer.Deserialize<AuditEntry>(l, WireJson.Options)!).ToList();
        }
    }
}
