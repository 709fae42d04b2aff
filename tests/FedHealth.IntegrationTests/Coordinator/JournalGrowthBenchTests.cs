using FedHealth.Cli.Bench;

namespace FedHealth.Tests.Coordinator;

/// <summary>
/// `fedhealth bench journal-growth`, small: a secure job's journal does not grow from one closed round to the next, and a
/// coordinator killed mid-round recovers.
/// </summary>
public sealed class JournalGrowthBenchTests
{
    [Fact]
    public async Task A_small_secure_job_keeps_its_journal_flat_from_round_to_round_and_recovers_with_its_masked_updates_journaled()
    {
        using var output = new StringWriter();
        await JournalGrowthBench.Run(new JournalGrowthBench.Settings(Rounds: 4, Sites: 4, Hidden: 10_000, RingBits: 64, CheckpointEvery: 0,
            RecoverAt: [2], Postgres: null), output);
        var text = output.ToString();
        // A row per round; each closed round leaves the journal within a tenth of a model of the one before (64 bits: each
        // of the 4 masked updates is 2 models, so a round's events left behind would show as +8).
        Assert.Equal(4, text.Split('\n').Count(l => System.Text.RegularExpressions.Regex.IsMatch(l, @"^\s+\d \|")));
        Assert.Matches(@"Growth per closed round: at most [+-]0\.0\d x the model \(target: at most \+1\.10\): met\.", text);
        Assert.Matches(@"round\s+2: \d+\.\d\d s \(\d+ events replayed after the snapshot, journal [\d.]+ MB; recovered in round 2, training\)", text);
        Assert.Contains("Reproduce: ./fedhealth bench journal-growth --rounds 4 --sites 4 --hidden 10000 --ring-bits 64 --checkpoint-every 0 " +
            "--recover-at 2", text);
    }
}
