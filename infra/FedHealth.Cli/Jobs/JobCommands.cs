using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using FedHealth.Contracts;
using FedHealth.Learning.Metrics;

namespace FedHealth.Cli.Jobs;

/// <summary>
/// `fedhealth job`: a lead's or a script's jobs against a dashboard (submit a spec file, list, watch, stop, resume,
/// download the model and its report), signed in with the dashboard's own accounts (<see cref="JobSignIn"/>: a password,
/// a token, or `job login` through the page); <c>--json</c> for scripts.
/// Exit codes: 0 done, 1 refused or unreachable (one line on stderr says why), 2 bad arguments, 3 a watched job failed
/// or was stopped.
/// </summary>
public static class JobCommands
{
    private static readonly string[] Ended = ["completed", "failed", "stopped"];

    public static Command Create()
    {
        var common = JobOptions.Create();
        return new Command("job", "Submit, list, watch, stop, resume and download jobs through a dashboard, as its web page does. Signs in with " +
            "--token (FEDHEALTH_TOKEN), else the token `job login` stored for --url, else --user and a password.")
        {
            common.Url, common.User, common.Token, common.PasswordStdin, common.Json, common.TokensFile,
            JobSignIn.Login(common), JobSignIn.Logout(common),
            Submit(common), List(common), Watch(common), Control(common, "stop"), Control(common, "resume"), Download(common),
        };
    }

    private static Command Submit(JobOptions common)
    {
        var file = new Argument<FileInfo>("SPEC") { Description = "A job spec (JSON, as the dashboard's POST /api/jobs takes it)" };
        var watch = new Option<bool>("--watch") { Description = "Then watch it until it ends" };
        var command = new Command("submit", "Submit a job spec file; prints the job's id.") { file, watch };
        command.SetAction((result, cancellation) => Run(result, common, cancellation, async (dashboard, output) =>
        {
            var spec = ReadSpec(result.GetValue(file)!);
            var accepted = await dashboard.Post<JobAccepted>("/api/jobs", spec, cancellation);
            if (result.GetValue(common.Json)) await output.WriteLineAsync(JsonSerializer.Serialize(accepted, Compact));
            else await output.WriteLineAsync($"job {accepted.JobId} accepted: {spec.Name}, {spec.Rounds} rounds on {string.Join(", ", accepted.Participants)}");
            return result.GetValue(watch) ? await Follow(dashboard, accepted.JobId, result.GetValue(common.Json), output, cancellation) : 0;
        }));
        return command;
    }

    private static Command List(JobOptions common)
    {
        var offset = new Option<int>("--offset") { Description = "Skip this many of the newest jobs" };
        var limit = new Option<int>("--limit") { Description = "At most this many jobs (up to 500)", DefaultValueFactory = _ => 50 };
        var command = new Command("list", "The dashboard's jobs, newest first: id, name, status, rounds closed and the latest global figure.")
        {
            offset, limit,
        };
        command.SetAction((result, cancellation) => Run(result, common, cancellation, async (dashboard, output) =>
        {
            var status = await dashboard.Get<FederationStatus>($"/api/status?offset={result.GetValue(offset)}&limit={result.GetValue(limit)}", cancellation);
            if (result.GetValue(common.Json))
            {
                await output.WriteLineAsync(JsonSerializer.Serialize(status.Jobs.Select(j => new
                {
                    j.JobId, j.Spec.Name, j.Spec.Kind, j.Status, j.CurrentRound, TotalRounds = j.Spec.Rounds, j.RoundsClosed, j.Latest,
                }), Compact));
                return 0;
            }
            await output.WriteLineAsync($"{"job",-36}  {"name",-24}  {"status",-12}  {"rounds",7}  latest");
            foreach (var j in status.Jobs)
                await output.WriteLineAsync($"{j.JobId,-36}  {Cut(j.Spec.Name, 24),-24}  {j.Status,-12}  {$"{j.RoundsClosed}/{j.Spec.Rounds}",7}  " +
                    (j.Latest is { } g ? Headline(j.Spec, g) : "-"));
            if (status.JobCount > status.JobsOffset + status.Jobs.Count)
                await output.WriteLineAsync($"({status.JobCount} jobs in all: --offset {status.JobsOffset + status.Jobs.Count} for the next)");
            return 0;
        }));
        return command;
    }

    private static Command Watch(JobOptions common)
    {
        var id = new Argument<Guid>("JOB") { Description = "The job's id" };
        var command = new Command("watch", "Follow a job round by round until it ends (exit 0 completed, 3 failed or stopped).") { id };
        command.SetAction((result, cancellation) => Run(result, common, cancellation,
            (dashboard, output) => Follow(dashboard, result.GetValue(id), result.GetValue(common.Json), output, cancellation)));
        return command;
    }

    private static Command Control(JobOptions common, string verb)
    {
        var id = new Argument<Guid>("JOB") { Description = "The job's id" };
        var reason = new Option<string?>("--reason") { Description = "Why (kept with the request)" };
        var command = new Command(verb, verb == "stop" ? "Pause a job after its current step (resume goes on)." : "Resume a paused job.") { id };
        if (verb == "stop") command.Add(reason);
        command.SetAction((result, cancellation) => Run(result, common, cancellation, async (dashboard, output) =>
        {
            object body = verb == "stop" ? new { reason = result.GetValue(reason) ?? "" } : new { };
            var accepted = await dashboard.Post<JobControlAccepted>($"/api/jobs/{result.GetValue(id)}/{verb}", body, cancellation);
            await output.WriteLineAsync(
                result.GetValue(common.Json) ? JsonSerializer.Serialize(accepted, Compact) : $"job {accepted.JobId}: {accepted.Status}");
            return 0;
        }));
        return command;
    }

    private static Command Download(JobOptions common)
    {
        var id = new Argument<Guid>("JOB") { Description = "The job's id" };
        var folder = new Option<DirectoryInfo>("--out") { Description = "Folder to write into", DefaultValueFactory = _ => new DirectoryInfo(".") };
        var checkpoint = new Option<string>("--checkpoint")
        {
            Description = "latest (the final model once ended), best, or round-N where the spec keeps it", DefaultValueFactory = _ => "latest",
        };
        var command = new Command("download", "Write a job's model (JSON, with its card) and its report (the job's summary, every round) to a folder.")
        {
            id, folder, checkpoint,
        };
        command.SetAction((result, cancellation) => Run(result, common, cancellation, async (dashboard, output) =>
        {
            var (job, target) = (result.GetValue(id), result.GetValue(folder)!);
            target.Create();
            var report = await dashboard.GetBytes($"/api/jobs/{job}", cancellation);
            var model = await dashboard.GetBytes($"/api/jobs/{job}/model?checkpoint={Uri.EscapeDataString(result.GetValue(checkpoint)!)}", cancellation);
            var (modelFile, reportFile) = (Path.Combine(target.FullName, $"{job}.model.json"), Path.Combine(target.FullName, $"{job}.report.json"));
            await File.WriteAllBytesAsync(modelFile, model, cancellation);
            await File.WriteAllBytesAsync(reportFile, report, cancellation);
            await output.WriteLineAsync(result.GetValue(common.Json)
                ? JsonSerializer.Serialize(new { model = modelFile, report = reportFile }, Compact)
                : $"wrote {modelFile} ({model.Length:N0} bytes) and {reportFile}");
            return 0;
        }));
        return command;
    }

    /// <summary>Polls the job every two seconds and prints each round as it closes; answers 0 once completed, 3 when it failed or stopped.</summary>
    private static async Task<int> Follow(DashboardConnection dashboard, Guid job, bool json, TextWriter output, CancellationToken cancellation)
    {
        var printed = 0;
        string? status = null;
        using var poll = new PeriodicTimer(TimeSpan.FromSeconds(2));
        while (true)
        {
            var summary = await dashboard.Get<JobSummary>($"/api/jobs/{job}", cancellation);
            foreach (var round in summary.Rounds.Skip(printed))
                await output.WriteLineAsync(json ? JsonSerializer.Serialize(round, Compact) : RoundLine(summary.Spec, round));
            printed = summary.Rounds.Count;
            if (summary.Status != status && !json)
                await output.WriteLineAsync($"job {job}: {summary.Status}{(summary.Detail is { Length: > 0 } d ? $" ({d})" : "")}");
            status = summary.Status;
            if (Ended.Contains(summary.Status))
            {
                if (json) await output.WriteLineAsync(JsonSerializer.Serialize(new { jobId = job, status = summary.Status, detail = summary.Detail }, Compact));
                return summary.Status == "completed" ? 0 : 3;
            }
            await poll.WaitForNextTickAsync(cancellation);
        }
    }

    private static string RoundLine(JobSpec spec, RoundCompleted round) =>
        string.Create(CultureInfo.InvariantCulture, $"round {round.Round}/{round.TotalRounds}: ") +
        (round.Global is { } g ? string.Create(CultureInfo.InvariantCulture, $"global {Headline(spec, g)}, loss {g.Loss:F4}, ") : "") +
        $"{round.Contributors.Count} contributed" +
        (round.LeftOut.Count > 0 ? $", left out: {string.Join("; ", round.LeftOut.Select(l => $"{l.SiteId} ({l.Reason})"))}" : "") +
        string.Create(CultureInfo.InvariantCulture, $" ({round.Seconds:F1} s)");

    /// <summary>The task's headline figure as the CLI table and the dashboard name it (AUC, C-index, accuracy, RMSE).</summary>
    private static string Headline(JobSpec spec, ModelMetrics metrics) =>
        PrimaryFigure.Of(spec.Model?.Task ?? ModelTasks.Binary, metrics) is var f ? string.Create(CultureInfo.InvariantCulture, $"{f.Name} {f.Value:F4}") : "";

    private static string Cut(string text, int width) => text.Length <= width ? text : text[..(width - 1)] + "…";

    private static readonly JsonSerializerOptions Compact = new(DashboardConnection.Json) { WriteIndented = false };

    private static JobSpec ReadSpec(FileInfo file)
    {
        if (!file.Exists) throw new DashboardException($"{file.FullName}: no such file");
        try
        {
            return JsonSerializer.Deserialize<JobSpec>(File.ReadAllText(file.FullName), DashboardConnection.Json)
                ?? throw new DashboardException($"{file.FullName}: empty (null) instead of a job spec");
        }
        catch (JsonException e) { throw new DashboardException($"{file.FullName}: not a job spec: {e.Message}"); }
    }

    /// <summary>Signs in, runs the verb, and turns a dashboard's refusal or an unreachable dashboard into one line and exit code 1.</summary>
    private static Task<int> Run(ParseResult result, JobOptions common, CancellationToken cancellation,
        Func<DashboardConnection, TextWriter, Task<int>> verb) => JobSignIn.Guarded(result, async (output, _) =>
    {
        var address = DashboardConnection.Address(result.GetValue(common.Url)!);
        var password = result.GetValue(common.PasswordStdin) ? Console.In.ReadLine() : Environment.GetEnvironmentVariable("FEDHEALTH_PASSWORD");
        var (token, origin) = JobSignIn.Token(result.GetValue(common.Token), new TokenFile(result.GetValue(common.TokensFile)!), address,
            password is not null, DateTimeOffset.UtcNow);
        using var dashboard = await DashboardConnection.Open(address, token, origin, result.GetValue(common.User)!, password, cancellation);
        return await verb(dashboard, output);
    });
}
