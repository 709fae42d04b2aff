using System.Text.Json;
using FedHealth.Coordinator.Hosting;
using FedHealth.Coordinator.Jobs;
using FedHealth.Coordinator.Ledger;
using FedHealth.Governance;
using FedHealth.Tests.Support;

namespace FedHealth.Tests.Coordinator;

/// <summary>
/// A journal an installed coordinator holds today still replays with the current code: the job's events fold to the job
/// it ran (status, rounds, contributors, the global AUC the run reported) and the ledger's chain is intact. The journal
/// is a committed fixture (TestData/journal-2026-12-local-secure-3-rounds, see its README), never regenerated: the
/// kernel of issue 15 and the pruning of issue 23 must keep reading it.
/// </summary>
public sealed class JournalFixtureTests
{
    private static readonly string Fixture = Path.Combine(Paths.Output, "TestData", "journal-2026-12-local-secure-3-rounds");

    [Fact]
    public void A_job_outcome_journaled_as_a_string_reads_as_its_enum_and_is_journaled_by_name()
    {
        var old = (JobFinished)JournalSerializer.Deserialize("""{"Outcome":"stopped","Detail":"budget","At":"2026-12-01T00:00:00+00:00"}"""u8.ToArray(), nameof(JobFinished));
        Assert.Equal(JobOutcome.Stopped, old.Outcome);
        Assert.Equal("stopped", old.OutcomeName);
        var json = System.Text.Encoding.UTF8.GetString(JsonSerializer.SerializeToUtf8Bytes(old, JournalSerializer.Options));
        Assert.Contains("\"Outcome\":\"Stopped\"", json);
        Assert.DoesNotContain("OutcomeName", json);
    }

    private sealed record Expected(Guid JobId, string Outcome, int Rounds, double GlobalAuc, string[] Sites);

    [Fact]
    public void A_secure_job_journaled_by_the_code_of_December_2026_replays_to_the_same_job_and_an_intact_ledger()
    {
        var expected = JsonSerializer.Deserialize<Expected>(File.ReadAllText(Path.Combine(Fixture, "expected.json")), new JsonSerializerOptions(JsonSerializerDefaults.Web))!;
        var connection = $"Data Source={Path.Combine(Fixture, "journal.db")};Mode=ReadOnly;Pooling=False";
        var keys = CoordinatorComponent.LoadKeys(new CoordinatorOptions
        {
            DataDir = Fixture, ConsortiumFile = Path.Combine(Fixture, "consortium.json"), KeyFile = Path.Combine(Fixture, "coordinator-key.pem"),
            SigningKeyFile = Path.Combine(Fixture, "coordinator-signing-key.pem"),
        });

        var state = new JobState(keys);
        var events = JournalTable.Read(CoordinatorOptions.Sqlite, connection, $"job-{expected.JobId}");
        Assert.NotEmpty(events);
        foreach (var row in events)
            state.Apply((IJobEvent)JournalSerializer.Deserialize(row.Message as byte[] ?? System.Text.Encoding.UTF8.GetBytes((string)row.Message), row.Manifest));

        // Written when the outcome was a string ("completed"); read as the enum it is now.
        Assert.Contains(events, row => row.Manifest == nameof(JobFinished));
        var summary = state.Summary();
        Assert.Equal(expected.Outcome, summary.Status);
        Assert.Equal(expected.Rounds, summary.Rounds.Count);
        Assert.All(summary.Rounds, r => Assert.Equal(expected.Sites, r.Contributors.Order()));
        Assert.Equal(expected.GlobalAuc, summary.Rounds[^1].Global!.Auc, 12);

        var ledger = LedgerStore.Read(CoordinatorOptions.Sqlite, connection);
        Assert.NotEmpty(ledger);
        Assert.True(ChainVerification.Verify(ledger).Intact);
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
    }
}
