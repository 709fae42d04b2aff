using System.Net.Http.Json;
using FedHealth.Contracts;
using FedHealth.Tests.Support;
using Xunit.Abstractions;

namespace FedHealth.Tests.Integration;

/// <summary>Chaos: the broker goes away in the middle of a job and comes back; the job must still finish, every round in place.</summary>
[Collection(RabbitMqCollection.Name)]
public sealed class BrokerRestartTests(RabbitMqBroker broker, ITestOutputHelper log) : IDisposable
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);
    private readonly TempFolder temp = new();

    [Fact]
    public async Task A_job_survives_a_RabbitMQ_outage_longer_than_its_round_deadline_and_completes_every_round()
    {
        using var federation = new ProcessFederation(broker, temp.Path, ["DE-GBSG", "NL-ROTTERDAM-A", "NL-ROTTERDAM-B"], log);
        await federation.SitesOnline(3);
        var response = await federation.Http.PostAsJsonAsync("/api/jobs",
            ProcessFederation.BreastPrognosis(rounds: 25, deadline: Deadline), ProcessFederation.Json);
        response.EnsureSuccessStatusCode();
        var job = (await response.Content.ReadFromJsonAsync<JobAccepted>(ProcessFederation.Json))!;
        await federation.Job(job.JobId, j => j.Rounds.Count >= 2, TimeSpan.FromSeconds(60), "two rounds before the restart");

        var restart = System.Diagnostics.Stopwatch.StartNew();
        broker.Restart(downFor: 2.5 * Deadline);
        log.WriteLine($"RabbitMQ stopped and started again in {restart.Elapsed.TotalSeconds:F1} s ({DateTimeOffset.UtcNow:HH:mm:ss.fff} UTC)");

        // Clients reconnect on their own. The deadline that fell in the outage waited for the bus, and the sites got a full
        // window once it was back; a round whose messages were lost is tried again with a fresh nonce, and sites answer
        // only the latest attempt (a step or decline redelivered from an older one is ignored).
        var done = await federation.Job(job.JobId, j => j.Status != "training" && j.Status != "evaluating", TimeSpan.FromMinutes(4),
            "the job to end after the restart");
        Assert.True(done.Status == "completed", $"the job ended {done.Status} after round {done.CurrentRound}: {done.Detail}");
        Assert.Equal(Enumerable.Range(1, 25), done.Rounds.Select(r => r.Round));
        Assert.True(done.Rounds[^1].Global!.Auc > 0.65);
    }

    public void Dispose() => temp.Dispose();
}
