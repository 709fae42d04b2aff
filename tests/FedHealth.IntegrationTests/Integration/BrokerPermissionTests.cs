using System.Net;
using System.Net.Http.Json;
using System.Text;
using FedHealth.Contracts;
using FedHealth.Messaging;
using FedHealth.Tests.Support;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;
using Xunit.Abstractions;

namespace FedHealth.Tests.Integration;

/// <summary>
/// Each site logs in to the real broker with its own account, made by infra/rabbitmq/add-site-user.sh from the
/// contracts (BrokerPermissions): enough to run a secure job, and nothing more. Issue 14's author, with a site's
/// account, read another site's queue, bound to every exchange and published commands; each is refused by the broker.
/// </summary>
[Collection(RabbitMqCollection.Name)]
public sealed class BrokerPermissionTests(RabbitMqBroker broker, ITestOutputHelper log) : IDisposable
{
    private static readonly string[] SiteIds = ["DE-GBSG", "NL-ROTTERDAM-A", "NL-ROTTERDAM-B"];
    private readonly TempFolder temp = new();

    [Fact]
    public async Task Each_site_runs_a_secure_job_on_its_own_account_which_can_touch_nothing_of_anyone_else()
    {
        var logins = SiteIds.ToDictionary(id => id, id => broker.AddSiteUser(id, $"test-only-{id}-password"));
        using var federation = new ProcessFederation(broker, temp.Path, SiteIds, log, siteBrokerUri: id => logins[id]);
        await federation.SitesOnline(3);
        var created = await federation.Http.PostAsJsonAsync("/api/jobs", ProcessFederation.BreastPrognosis(rounds: 2, deadline: TimeSpan.FromSeconds(60)),
            ProcessFederation.Json);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var job = (await created.Content.ReadFromJsonAsync<JobAccepted>(ProcessFederation.Json))!.JobId;
        var done = await federation.Ended(job, TimeSpan.FromSeconds(180));
        Assert.Equal("completed", done.Status);
        Assert.All(done.Rounds, r => Assert.Equal(3, r.Contributors.Count));

        // Now as DE-GBSG's account, outside the site agent.
        var factory = new ConnectionFactory { Uri = new Uri(logins["DE-GBSG"]) };
        await using var connection = await factory.CreateConnectionAsync();
        await Refused(connection, c => c.BasicGetAsync(EndpointNames.Site("NL-ROTTERDAM-A"), autoAck: true), "read another site's queue");
        await Refused(connection, c => c.BasicGetAsync(EndpointNames.Coordinator, autoAck: true), "read the coordinator's queue");
        await Refused(connection, c => c.QueueDeclareAsync("attacker-tap", durable: false, exclusive: false, autoDelete: true),
            "declare a queue of its own choosing");
        // Binding its own queue to what only the coordinator's side receives (a command exchange).
        await Refused(connection, c => c.QueueBindAsync(EndpointNames.Site("DE-GBSG"), BrokerPermissionsName(typeof(CreateJob)), ""),
            "bind to the commands' exchange");
        foreach (var command in new[] { typeof(CreateJob), typeof(StopJob), typeof(RoundStarted), typeof(EvaluationRequested) })
            await Refused(connection, async c =>
                await c.BasicPublishAsync(BrokerPermissionsName(command), "", true, new BasicProperties(), Encoding.UTF8.GetBytes("{}")),
                $"publish a {command.Name}", confirms: true);
        // What a site sends still goes.
        await using (var channel = await connection.CreateChannelAsync(
            new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true)))
            await channel.BasicPublishAsync(BrokerPermissionsName(typeof(SiteHeartbeat)), "", true, new BasicProperties(), Encoding.UTF8.GetBytes("{}"));

        // Revoked: the operator removes the account; its open connection is closed, it cannot log in again, its queue is gone.
        broker.RemoveSiteUser("DE-GBSG");
        await Eventually.Get(() => Task.FromResult(connection.IsOpen ? null : "closed"), TimeSpan.FromSeconds(30),
            "the revoked site's connection to be closed");
        var login = await Assert.ThrowsAnyAsync<Exception>(() => factory.CreateConnectionAsync());
        log.WriteLine($"log in after removal: {login.Message}");
        await using var other = await new ConnectionFactory { Uri = new Uri(broker.Uri) }.CreateConnectionAsync();
        await using var probe = await other.CreateChannelAsync();
        var gone = await Assert.ThrowsAnyAsync<OperationInterruptedException>(() => probe.QueueDeclarePassiveAsync(EndpointNames.Site("DE-GBSG")));
        Assert.Contains("NOT_FOUND", gone.ShutdownReason?.ReplyText ?? gone.Message);
    }

    private static string BrokerPermissionsName(Type type) => $"{type.Namespace}:{type.Name}";

    /// <summary>The broker closes the channel with ACCESS_REFUSED (403).</summary>
    private async Task Refused(IConnection connection, Func<IChannel, Task> attempt, string what, bool confirms = false)
    {
        await using var channel = await connection.CreateChannelAsync(confirms
            ? new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true) : null);
        var e = await Assert.ThrowsAnyAsync<Exception>(() => attempt(channel));
        log.WriteLine($"{what}: {e.Message}");
        Assert.True(e is OperationInterruptedException or AlreadyClosedException or PublishException, $"{what}: {e}");
        Assert.Contains("ACCESS_REFUSED", (e as OperationInterruptedException)?.ShutdownReason?.ReplyText ?? channel.CloseReason?.ReplyText ?? e.Message);
    }

    public void Dispose() => temp.Dispose();
}
