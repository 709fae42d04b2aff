using System.CommandLine;
using FedHealth.Contracts;
using FedHealth.Coordinator.Hosting;
using FedHealth.Coordinator.Jobs;
using FedHealth.Learning.Models;

namespace FedHealth.Cli.Bench;

/// <summary>
/// The coordinator's SQLite journal after a long job, with the closed rounds' events kept (Coordinator:KeepJobHistory)
/// and pruned behind each round-close snapshot (the default): the file's size against the model's, and what it holds.
/// </summary>
public static class JournalSizeBench
{
    public static Command Command()
    {
        var rounds = new Option<int>("--rounds") { Description = "Rounds closed", DefaultValueFactory = _ => 20 };
        var sites = new Option<int>("--sites") { Description = "Simulated sites", DefaultValueFactory = _ => 4 };
        var hidden = new Option<int>("--hidden")
        {
            Description = "MLP hidden units (8 features); 62500 is the 625,001-parameter MLP of issue 23",
            DefaultValueFactory = _ => 62_500
        };
        var command = new Command("journal-size",
            "Journal size of a long job with its history kept and pruned behind round-close snapshots.") { rounds, sites, hidden };
        command.SetAction(async (result, _) =>
        {
            await Run(result.GetValue(rounds), result.GetValue(sites), result.GetValue(hidden), Console.Out);
            return 0;
        });
        return command;
    }

    public static async Task Run(int rounds, int siteCount, int hidden, TextWriter output)
    {
        var model = new ModelSpec { Kind = "mlp", Features = 8, HiddenUnits = hidden };
        var layout = ParameterLayout.For(model);
        var modelMb = layout.TotalCount * 4 / 1e6;
        var ids = Enumerable.Range(1, siteCount).Select(i => $"S{i}").ToList();
        var spec = new JobSpec
        {
            Name = "journal size", Schema = "bench", FeatureNames = Enumerable.Range(0, 8).Select(i => $"f{i}").ToList(), Model = model,
            Rounds = rounds + 1, MinSites = siteCount, SecureAggregation = false, RoundDeadline = TimeSpan.FromHours(1), Seed = 1,
        };
        output.WriteLine(
            $"A job of {siteCount} sites and {layout.TotalCount:N0} parameters ({modelMb:F1} MB as float32), plain updates, {rounds} rounds closed:");
        foreach (var prune in new[] { false, true })
        {
            var dataDir = Directory.CreateTempSubdirectory("fedhealth-journal-size-").FullName;
            try
            {
                var options = new CoordinatorOptions { DataDir = dataDir, AkkaLogLevel = "WARNING" };
                JournalSpace.Prepare(options);
                var job = Guid.NewGuid();
                await JobRecoveryBench.Drive(options, job, spec, ids, layout, rounds, new JobJournal(PruneRounds: prune, Space: new JournalSpace(options)));
                Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
                var connection = options.JournalConnectionString();
                var events = JournalTable.Read(CoordinatorOptions.Sqlite, connection, $"job-{job}").Count;
                var snapshot = JournalTable.Snapshots(CoordinatorOptions.Sqlite, connection, $"job-{job}").Sum(s => s.Bytes);
                var bytes = Directory.GetFiles(dataDir, "journal.db*").Sum(f => new FileInfo(f).Length);
                output.WriteLine($"  {(prune ? "pruned behind snapshots (default)" : "history kept (KeepJobHistory)   ")}: journal {bytes / 1e6,8:F1} MB = " +
                    $"{bytes / 1e6 / modelMb,6:F1} x the model; " +
                    $"{events} events, snapshot {snapshot / 1e6:F1} MB");
            }
            finally
            {
                Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
                Directory.Delete(dataDir, recursive: true);
            }
        }
        output.WriteLine($"Reproduce: ./fedhealth bench journal-size --rounds {rounds} --sites {siteCount} --hidden {hidden}");
    }
}
