using Akka.Actor;
using Akka.Cluster;
using FedHealth.Coordinator.Bus;
using FedHealth.Coordinator.Jobs;
using FedHealth.Coordinator.Ledger;
using FedHealth.Coordinator.Sites;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace FedHealth.Coordinator.Hosting;

/// <summary>
/// The coordinator's actor system as a hosted service: a cluster node (joining itself when it has no seeds) with
/// the site registry and the job manager. Started before the bus, so consumers always find the actors.
/// </summary>
public sealed class CoordinatorNode(CoordinatorOptions options, CoordinatorKeys keys, IFederationPublisher publisher, TimeProvider clock, ILogger<CoordinatorNode> logger)
    : IHostedService
{
    private readonly TaskCompletionSource<(IActorRef Jobs, IActorRef Sites, IActorRef Ledger)> ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private ActorSystem? system;

    public Task<(IActorRef Jobs, IActorRef Sites, IActorRef Ledger)> Actors => ready.Task;
    public ActorSystem? System => system;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (options.Journal == CoordinatorOptions.Sqlite) Directory.CreateDirectory(options.DataDir);
        system = ActorSystem.Create(AkkaConfiguration.SystemName, AkkaConfiguration.For(options));
        var cluster = Cluster.Get(system);
        if (options.SeedNodes.Count == 0) cluster.Join(cluster.SelfAddress);
        var sites = system.ActorOf(SiteRegistry.Props(clock, options.SiteOfflineAfter), "sites");
        var ledger = system.ActorOf(TransferLedger.Props(), "ledger");
        var governance = new GovernanceContext(ledger, options.Jurisdiction, options.OutboundLegalBasis, options.Consortium);
        var jobs = system.ActorOf(JobManager.Props(sites, publisher, clock, keys.Keys, governance, options.SiteOfflineAfter), "jobs");
        logger.LogInformation("coordinator node {Address} up, journal {Journal}", cluster.SelfAddress, options.Journal);
        if (keys.Keys is null)
            logger.LogWarning("no consortium file (Coordinator:ConsortiumFile): secure aggregation is off and plain updates are neither sealed nor signed; development only");
        ready.SetResult((jobs, sites, ledger));
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (system is null) return;
        await CoordinatedShutdown.Get(system).Run(CoordinatedShutdown.ClrExitReason.Instance);
    }
}
