using FedHealth.Contracts;
using FedHealth.Coordinator.Hosting;
using FedHealth.Messaging;
using FedHealth.Tests.Support;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace FedHealth.Tests.Coordinator;

/// <summary>
/// A request to the coordinator that cannot be answered tells the requester why: no coordinator on the bus, a
/// coordinator whose node is still starting, or one that has not joined its cluster; never a bare timeout.
/// </summary>
public sealed class CoordinatorUnavailableTests : IDisposable
{
    private static readonly TimeSpan Quick = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan RequestWithin = TimeSpan.FromSeconds(30);
    private readonly TempFolder temp = new();

    [Fact]
    public async Task A_lead_asking_a_coordinator_whose_node_has_not_started_is_told_it_is_still_starting()
    {
        await using var host = await Start(coordinator: true, startNode: false);
        var why = await Refusal(host, RequestWithin);
        Assert.Equal("the coordinator is not ready: its node is still starting", why);
    }

    [Fact]
    public async Task A_lead_asking_a_coordinator_that_cannot_reach_its_cluster_is_told_it_has_not_joined_it()
    {
        await using var host = await Start(coordinator: true, startNode: true, seeds: ["akka.tcp://fedhealth@127.0.0.1:9"]);
        var why = await Refusal(host, RequestWithin);
        Assert.StartsWith("the coordinator is not ready: its node has not joined the coordinator cluster yet", why);
        Assert.Contains("akka.tcp://fedhealth@127.0.0.1:9", why);
    }

    [Fact]
    public async Task With_no_coordinator_on_the_bus_the_lead_is_told_that_none_answered()
    {
        await using var host = await Start(coordinator: false, startNode: false);
        var why = await Refusal(host, Quick);
        Assert.Equal("no coordinator answered within 1 s: none is running, or it is not connected to the bus", why);
    }

    /// <summary>Asks to create a job and returns what the requester would be told; the request must fail.</summary>
    private static async Task<string> Refusal(StartedHost host, TimeSpan within)
    {
        var client = host.Host.Services.GetRequiredService<IRequestClient<CreateJob>>();
        var failure = await Assert.ThrowsAnyAsync<Exception>(() =>
            client.GetResponse<JobAccepted, JobRefused>(
                new CreateJob { Spec = JobFixtures.Spec(rounds: 1, minSites: 1), RequestId = Guid.NewGuid() }, default, within));
        return CoordinatorUnavailableException.Explain(failure, within) ?? throw new Xunit.Sdk.XunitException($"not explained: {failure}");
    }

    private async Task<StartedHost> Start(bool coordinator, bool startNode, List<string>? seeds = null)
    {
        var builder = Host.CreateApplicationBuilder();
        if (coordinator)
        {
            builder.Services.AddCoordinator(new CoordinatorOptions
            {
                DataDir = temp.Path, AkkaLogLevel = "WARNING", SeedNodes = seeds ?? [], AnswerRequestsWithin = Quick,
            });
            // A node that is never started stands for one still starting: its actors never become ready.
            if (!startNode) builder.Services.RemoveAll<IHostedService>();
        }
        builder.Services.AddFederationBus(new BusOptions(), x =>
        {
            if (coordinator) CoordinatorComponent.RegisterConsumers(x);
            CoordinatorClients.Register(x, BusOptions.InMemory);
        }, (context, cfg) =>
        {
            if (coordinator) CoordinatorComponent.ConfigureEndpoints(context, cfg);
        });
        var host = builder.Build();
        await host.StartAsync();
        return new StartedHost(host);
    }

    /// <summary>A started host that is stopped, not only disposed, at the end: its node's actor system would otherwise keep
    /// trying to join its seeds for the rest of the test run.</summary>
    private sealed class StartedHost(IHost host) : IAsyncDisposable
    {
        public IHost Host => host;

        public async ValueTask DisposeAsync()
        {
            using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await host.StopAsync(deadline.Token);
            host.Dispose();
        }
    }

    public void Dispose() => temp.Dispose();
}
