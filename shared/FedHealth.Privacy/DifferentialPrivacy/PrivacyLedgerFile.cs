using System.Text.Json;
using FedHealth.Privacy.Accounting;

namespace FedHealth.Privacy.DifferentialPrivacy;

/// <summary>One round of DP-SGD a site's data went through.</summary>
public sealed record LedgerEntry(Guid JobId, int Round, double SamplingRate, double NoiseMultiplier, long Steps, DateTimeOffset At);

/// <summary>
/// The site's own record of every DP-SGD run on its data, kept in a local file so a restart never forgets
/// (and so never under-reports) what was spent. Written before the update leaves the site; replaced atomically.
/// </summary>
public sealed class PrivacyLedgerFile(string path)
{
    private readonly object gate = new();

    public IReadOnlyList<LedgerEntry> Entries()
    {
        lock (gate)
        {
            if (!File.Exists(path)) return [];
            try { return JsonSerializer.Deserialize<List<LedgerEntry>>(File.ReadAllText(path)) ?? []; }
            catch (JsonException e)
            {
                throw new InvalidDataException(
                $"{path}: the privacy ledger is unreadable ({e.Message}); refusing to train rather than under-report", e);
            }
        }
    }

    public IReadOnlyList<GaussianSteps> Spent() => Entries().Select(e => new GaussianSteps(e.SamplingRate, e.NoiseMultiplier, e.Steps)).ToList();

    public void Append(LedgerEntry entry)
    {
        lock (gate)
        {
            // Always appended: a round trained twice released two noisy outputs, and both count.
            var entries = Entries().Append(entry).ToList();
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
            var temp = path + ".tmp";
            File.WriteAllText(temp, JsonSerializer.Serialize(entries));
            File.Move(temp, path, overwrite: true);
        }
    }
}
