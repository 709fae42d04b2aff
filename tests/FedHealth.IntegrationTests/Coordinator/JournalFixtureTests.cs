using Akka.Actor;
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
        var old = (JobFinished)JournalSerializer.Deserialize("""{"Outcome":"stopped","Detail":"budget","At":"2026-12-01T00:00:00+00:00"}"""u8.ToArray(),
            nameof(JobFinished));
        Assert.Equal(JobOutcome.Stopped, old.Outcome);
        Assert.Equal("stopped", old.OutcomeName);
        var json = System.Text.Encoding.UTF8.GetString(JsonSerializer.SerializeToUtf8Bytes(old, JournalSerializer.Options));
        Assert.Contains("\"Outcome\":\"Stopped\"", json);
        Assert.DoesNotContain("OutcomeName", json);
    }

    private sealed record Expected(Guid JobId, string Outcome, int Rounds, double GlobalAuc, string[] Sites);

    [Fact]
    public async Task A_job_that_ended_before_snapshots_existed_is_compacted_the_first_time_it_wakes_and_reads_the_same()
    {
        var expected = ExpectedOfFixture();
        using var temp = new TempFolder();
        File.Copy(Path.Combine(Fixture, "journal.db"), Path.Combine(temp.Path, "journal.db"));
        var options = new CoordinatorOptions { DataDir = temp.Path, AkkaLogLevel = "WARNING" };
        JournalSpace.Prepare(options);
        var connection = options.JournalConnectionString();
        var id = $"job-{expected.JobId}";
        var before = JournalTable.Read(CoordinatorOptions.Sqlite, connection, id).Count;
        var keys = FixtureKeys();
        var system = ActorSystem.Create(AkkaConfiguration.SystemName, AkkaConfiguration.For(options));
        try
        {
            var actor = system.ActorOf(JobActor.Props(expected.JobId, new RecordingPublisher(), TimeProvider.System, keys,
                journal: new JobJournal(Space: new JournalSpace(options))));
            var summary = await actor.Ask<FedHealth.Contracts.JobSummary>(new JobProtocol.GetJobSummary(expected.JobId), TimeSpan.FromSeconds(20));
            Assert.Equal((expected.Outcome, expected.Rounds), (summary.Status, summary.Rounds.Count));
            await Eventually.Get(() => Task.FromResult(JournalTable.Read(CoordinatorOptions.Sqlite, connection, id).Count == 0
                && JournalTable.Snapshots(CoordinatorOptions.Sqlite, connection, id).Count == 1 ? "compacted" : null), TimeSpan.FromSeconds(30),
                $"the ended job's {before} events to be pruned behind its snapshot");
        }
        finally { await system.Terminate(); }

        // Woken again, it reads the same from its snapshot alone; the ledger is untouched.
        var again = ActorSystem.Create(AkkaConfiguration.SystemName, AkkaConfiguration.For(options));
        try
        {
            var actor = again.ActorOf(JobActor.Props(expected.JobId, new RecordingPublisher(), TimeProvider.System, keys));
            var summary = await actor.Ask<FedHealth.Contracts.JobSummary>(new JobProtocol.GetJobSummary(expected.JobId), TimeSpan.FromSeconds(20));
            Assert.Equal((expected.Outcome, expected.Rounds), (summary.Status, summary.Rounds.Count));
            Assert.Equal(expected.GlobalAuc, summary.Rounds[^1].Global!.Auc, 12);
            Assert.True(ChainVerification.Verify(LedgerStore.Read(CoordinatorOptions.Sqlite, connection)).Intact);
        }
        finally
        {
            await again.Terminate();
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        }
    }

    private static Expected ExpectedOfFixture() =>
        JsonSerializer.Deserialize<Expected>(File.ReadAllText(Path.Combine(Fixture, "expected.json")), new JsonSerializerOptions(JsonSerializerDefaults.Web))!;

    private static SecureAggregationKeys? FixtureKeys() => CoordinatorComponent.LoadKeys(new CoordinatorOptions
    {
        DataDir = Fixture, ConsortiumFile = Path.Combine(Fixture, "consortium.json"), KeyFile = Path.Combine(Fixture, "coordinator-key.pem"),
        SigningKeyFile = Path.Combine(Fixture, "coordinator-signing-key.pem"),
    });

    private sealed record ExpectedRunning(Guid JobId, string Status, int Round, int RoundsClosed, int TotalRounds, string[] Sites);

    [Fact]
    public async Task A_job_left_running_by_the_code_before_pruning_resumes_completes_and_its_closed_rounds_are_then_pruned()
    {
        var fixture = Path.Combine(Paths.Output, "TestData", "journal-2026-12-running-plain-job");
        var expected = JsonSerializer.Deserialize<ExpectedRunning>(File.ReadAllText(Path.Combine(fixture, "expected.json")),
            new JsonSerializerOptions(JsonSerializerDefaults.Web))!;
        using var temp = new TempFolder();
        File.Copy(Path.Combine(fixture, "journal.db"), Path.Combine(temp.Path, "journal.db"));
        var options = new CoordinatorOptions { DataDir = temp.Path, AkkaLogLevel = "WARNING" };
        JournalSpace.Prepare(options); // the old file is switched to incremental auto-vacuum (a one-time VACUUM) and WAL
        var bus = new RecordingPublisher();
        var system = ActorSystem.Create(AkkaConfiguration.SystemName, AkkaConfiguration.For(options));
        try
        {
            var job = expected.JobId;
            var actor = system.ActorOf(JobActor.Props(job, bus, TimeProvider.System, journal: new JobJournal(Space: new JournalSpace(options))));
            var asked = await bus.Next<FedHealth.Contracts.EvaluationRequested>();
            Assert.Equal(expected.Round, asked.Round);
            var before = await actor.Ask<FedHealth.Contracts.JobSummary>(new JobProtocol.GetJobSummary(job), TimeSpan.FromSeconds(20));
            Assert.Equal((expected.Status, expected.RoundsClosed, expected.TotalRounds), (before.Status, before.Rounds.Count, before.Spec.Rounds));
            var layout = FedHealth.Learning.Models.ParameterLayout.For(before.Spec.Model);

            for (var round = expected.Round; round <= expected.TotalRounds; round++)
            {
                if (round > expected.Round)
                {
                    var started = await bus.Next<FedHealth.Contracts.RoundStarted>(where: r => r.Round == round);
                    foreach (var site in expected.Sites)
                        Assert.Null((await actor.Ask<JobProtocol.Handled>(new FedHealth.Contracts.UpdateSubmitted
                        {
                            JobId = job, Round = round, SiteId = site, SampleCount = 100, Weights = started.GlobalWeights, TrainLoss = 0.5,
                            Device = "cpu", TrainSeconds = 0.1,
                        }, TimeSpan.FromSeconds(20))).Refusal);
                    await bus.Next<FedHealth.Contracts.EvaluationRequested>(where: r => r.Round == round);
                }
                foreach (var site in expected.Sites)
                    Assert.Null((await actor.Ask<JobProtocol.Handled>(JobFixtures.GoodEvaluation(job, round, site), TimeSpan.FromSeconds(20))).Refusal);
            }
            var ended = await bus.Next<FedHealth.Contracts.JobEnded>();
            Assert.Equal(("completed", expected.TotalRounds), (ended.Outcome, ended.RoundsCompleted));

            var connection = options.JournalConnectionString();
            // The ended job's own snapshot covers it all: every event pruned, one snapshot left.
            await Eventually.Get(() => Task.FromResult(JournalTable.Read(CoordinatorOptions.Sqlite, connection, $"job-{job}").Count == 0
                && JournalTable.Snapshots(CoordinatorOptions.Sqlite, connection, $"job-{job}").Count == 1 ? "pruned" : null),
                TimeSpan.FromSeconds(30), "the old events to be pruned");
            var after = await actor.Ask<FedHealth.Contracts.JobSummary>(new JobProtocol.GetJobSummary(job), TimeSpan.FromSeconds(20));
            Assert.Equal(Enumerable.Range(1, expected.TotalRounds), after.Rounds.Select(r => r.Round));
            Assert.All(after.Rounds, r => Assert.Equal(expected.Sites, r.Contributors.Order()));
            Assert.Equal(layout.TotalCount, FedHealth.Learning.Models.FlatParameters.FromWeights(layout, ended.FinalWeights!).Values.Length);
        }
        finally
        {
            await system.Terminate();
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        }
    }

    [Fact]
    public void A_secure_job_journaled_by_the_code_of_December_2026_replays_to_the_same_job_and_an_intact_ledger()
    {
        var expected = ExpectedOfFixture();
        var connection = $"Data Source={Path.Combine(Fixture, "journal.db")};Mode=ReadOnly;Pooling=False";
        var keys = FixtureKeys();

        var state = new JobState(keys);
        var events = JournalTable.Read(CoordinatorOptions.Sqlite, connection, $"job-{expected.JobId}");
        Assert.NotEmpty(events);
        foreach (var row in events)
            state.Apply(
                (IJobEvent)JournalSerializer.Deserialize(row.Message as byte[] ?? System.Text.Encoding.UTF8.GetBytes((string)row.Message), row.Manifest));

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
