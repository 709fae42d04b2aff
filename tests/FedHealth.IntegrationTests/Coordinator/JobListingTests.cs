using Akka.Actor;
using FedHealth.Cli.Bench;
using FedHealth.Contracts;
using FedHealth.Coordinator.Hosting;
using FedHealth.Coordinator.Jobs;
using FedHealth.Learning.Models;
using FedHealth.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;

namespace FedHealth.Tests.Coordinator;

/// <summary>
/// The read models stay small as history grows: the status answers a page of jobs, newest first, as listings without
/// rounds (an ended job's from its retirement), and a job's rounds come with that job alone, histograms only when asked.
/// </summary>
public sealed class JobListingTests : IAsyncLifetime
{
    private static readonly TimeSpan Within = TimeSpan.FromSeconds(60);
    private readonly TempFolder temp = new();
    private readonly ChannelPublisher bus = new();
    private CoordinatorNode node = null!;

    [Fact]
    public async Task The_status_pages_jobs_newest_first_without_rounds_and_one_job_comes_with_its_rounds_histograms_on_request()
    {
        var actors = await node.Actors;
        var model = new ModelSpec { Kind = "logistic", Features = ReadModelBench.Features.Length };
        var jobs = new List<Guid>();
        for (var n = 0; n < 3; n++)
        {
            foreach (var site in ReadModelBench.Sites) actors.Sites.Tell(ReadModelBench.Heartbeat(site));
            jobs.Add(await ReadModelBench.RunJob(actors, bus, model, ParameterLayout.For(model), rounds: 2, n));
        }

        var first = await actors.Index.Ask<FederationStatus>(new GetFederationStatus { JobsLimit = 2 }, Within);
        Assert.Equal((3, 0), (first.JobCount, first.JobsOffset));
        Assert.Equal([jobs[2], jobs[1]], first.Jobs.Select(j => j.JobId));
        Assert.All(first.Jobs, j => Assert.Equal(("completed", 2), (j.Status, j.RoundsClosed)));
        Assert.All(first.Jobs, j => Assert.NotNull(j.Latest));
        var second = await actors.Index.Ask<FederationStatus>(new GetFederationStatus { JobsOffset = 2, JobsLimit = 2 }, Within);
        Assert.Equal([jobs[0]], second.Jobs.Select(j => j.JobId));
        Assert.Empty((await actors.Index.Ask<FederationStatus>(new GetFederationStatus { JobsLimit = 0 }, Within)).Jobs);

        var lean = await actors.Index.Ask<JobSummary>(new GetJob { JobId = jobs[0] }, Within);
        Assert.Equal(2, lean.Rounds.Count);
        Assert.All(lean.Rounds.SelectMany(r => r.Sites), s => Assert.Null(s.Histogram));
        var full = await actors.Index.Ask<JobSummary>(new GetJob { JobId = jobs[0], Histograms = true }, Within);
        Assert.All(full.Rounds.SelectMany(r => r.Sites), s => Assert.NotEmpty(s.Histogram!.Positives));
        Assert.Equal(lean.Rounds.Select(r => r.Global!.Auc), full.Rounds.Select(r => r.Global!.Auc));
        var unknown = Guid.NewGuid();
        Assert.Equal(unknown, (await actors.Index.Ask<JobNotFound>(new GetJob { JobId = unknown }, Within)).JobId);
    }

    public async Task InitializeAsync()
    {
        node = new CoordinatorNode(new CoordinatorOptions { DataDir = temp.Path, AkkaLogLevel = "WARNING" }, new CoordinatorKeys(null), bus,
            TimeProvider.System, NullLogger<CoordinatorNode>.Instance);
        await node.StartAsync(CancellationToken.None);
    }

    public async Task DisposeAsync()
    {
        await node.StopAsync(CancellationToken.None);
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        temp.Dispose();
    }
}
