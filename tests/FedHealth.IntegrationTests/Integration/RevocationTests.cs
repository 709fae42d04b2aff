using System.Net;
using System.Net.Http.Json;
using FedHealth.Contracts;
using FedHealth.Tests.Support;
using Xunit.Abstractions;

namespace FedHealth.Tests.Integration;

/// <summary>
/// The consortium revokes a site while the federation runs (`fedhealth provision revoke`, signed by the consortium
/// CA): the running coordinator takes the new version within seconds, with no restart, and from then on refuses every
/// message of that site, naming the revocation; a job goes on with the others.
/// </summary>
[Collection(RabbitMqCollection.Name)]
public sealed class RevocationTests(RabbitMqBroker broker, ITestOutputHelper log) : IDisposable
{
    private const string Revoked = "NL-ROTTERDAM-B";
    private readonly TempFolder temp = new();

    [Fact]
    public async Task A_site_revoked_while_the_federation_runs_is_refused_at_once_and_the_job_goes_on_without_it()
    {
        var ca = Path.Combine(temp.Path, "ca");
        Assert.Equal(0, await CliRunner.Run("provision", "ca", "--out", ca));
        var folder = Path.Combine(temp.Path, "federation");
        using var federation = new ProcessFederation(broker, folder, ["DE-GBSG", "NL-ROTTERDAM-A", Revoked, "NL-ROTTERDAM-C"], log,
            coordinatorSettings: [$"--Coordinator:ConsortiumCaFile={Path.Combine(ca, "ca-cert.pem")}", "--Coordinator:ConsortiumCheckInterval=00:00:01"]);
        await federation.SitesOnline(4);

        Assert.Equal(0, await CliRunner.Run("provision", "revoke", "--ca", ca, "--consortium", Path.Combine(folder, "consortium.json"),
            "--site", Revoked, "--reason", "left the consortium"));
        var coordinator = federation.Coordinators[0];
        await Eventually.Get(() =>
            Task.FromResult(coordinator.Output.Contains($"claims to come from site {Revoked}, which the consortium revoked") ? coordinator : null),
            TimeSpan.FromSeconds(60), "the coordinator to refuse the revoked site's heartbeats");
        Assert.Contains($"consortium file version 2 taken: 3 sites registered, revoked: {Revoked} (revoked", coordinator.Output);
        Assert.Contains("left the consortium", coordinator.Output);

        // Every site's policy wants 3 participants in a secure round: the three that remain.
        var spec = ProcessFederation.BreastPrognosis(rounds: 2, deadline: TimeSpan.FromSeconds(20));
        var created = await federation.Http.PostAsJsonAsync("/api/jobs", spec, ProcessFederation.Json);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var job = (await created.Content.ReadFromJsonAsync<JobAccepted>(ProcessFederation.Json))!.JobId;
        var done = await federation.Ended(job, TimeSpan.FromSeconds(180));
        Assert.Equal("completed", done.Status);
        Assert.All(done.Rounds, r => Assert.DoesNotContain(Revoked, r.Contributors));
        Assert.All(done.Rounds, r => Assert.Equal(3, r.Contributors.Count));
    }

    public void Dispose() => temp.Dispose();
}
