using Akka.Actor;
using Akka.Cluster;
using Akka.Cluster.Tools.Singleton;
using FedHealth.Coordinator.Bus;
using FedHealth.Coordinator.Jobs;
using FedHealth.Coordinator.Ledger;
using FedHealth.Coordinator.Sites;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace FedHealth.Coordinator.Hosting;

/// <summary>The actors a coordinator node offers its consumers: all of them location-transparent across the cluster.</summary>
/// <param name="Index">The job index (singleton proxy): creates jobs, answers status.</param>
/// <param name="Jobs">The sharded job region: routes a message naming a job to the node running it.</param>
/// <param name="Sites">The site registry (singleton proxy).</param>
/// <param name="Ledger">The transfer ledger (singleton proxy): one writer for the hash chain.</param>
public sealed record CoordinatorActors(IActorRef Index, IActorRef Jobs, IActorRef Sites, IActorRef Ledger);

/// <summary>
/// The coordinator's actor system as a hosted service: a cluster node (joining itself when it has no seeds) with
/// the job region and proxies to the cluster singletons (job index, site registry, ledger). Every node runs the
/// same code; one node or three is a matter of seed nodes. Started before the bus, so consumers find the actors.
/// </summary>
public sealed class CoordinatorNode(CoordinatorOptions options, CoordinatorKeys keys, IFederationPublisher publisher, TimeProvider clock,
    ILogger<CoordinatorNode> logger)
    : IHostedService
{
    private readonly TaskCompletionSource<CoordinatorActors> ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private ActorSystem? system;

    public Task<CoordinatorActors> Actors => ready.Task;
    public TimeSpan AnswerRequestsWithin => options.AnswerRequestsWithin;
    public ActorSystem? System => system;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (options.Journal == CoordinatorOptions.Sqlite) Directory.CreateDirectory(options.DataDir);
        if (JournalSpace.Prepare(options) is { } converted) logger.LogInformation("{Converted}", converted);
        system = CoordinatorSystem.Create(options);
        var cluster = Cluster.Get(system);
        if (options.SeedNodes.Count == 0) cluster.Join(cluster.SelfAddress);

        var sites = Singleton(SiteRegistry.Props(clock, options.SiteOfflineAfter, keys.Keys is { } k ? () => k.Trust : null), "sites");
        var ledger = Singleton(TransferLedger.Props(publisher), "ledger");
        var governance = new GovernanceContext(ledger, options.Jurisdiction, options.OutboundLegalBasis, options.Consortium);
        var offlineAfter = options.SiteOfflineAfter;
        var liveness = new LivenessSettings(sites, offlineAfter, TimeSpan.FromTicks(Math.Max(offlineAfter.Ticks / 4, TimeSpan.FromMilliseconds(200).Ticks)));
        // The index proxy's path is fixed, so the job entities can be given it before the index exists.
        var index = system.ActorOf(ClusterSingletonProxy.Props("/user/index", ClusterSingletonProxySettings.Create(system)), "index-proxy");
        var journal = new JobJournal(Snapshots: true, PruneRounds: !options.KeepJobHistory, Space: new JournalSpace(options));
        var jobs = await JobRegion.Start(system, jobId => JobActor.Props(jobId, publisher, clock, keys.Keys, governance, liveness, index,
            Path.Combine(options.DataDir, "spool"), journal));
        system.ActorOf(ClusterSingletonManager.Props(JobIndex.Props(jobs, sites, clock, keys.Keys, governance, options.WakeJobsEvery),
            PoisonPill.Instance, ClusterSingletonManagerSettings.Create(system)), "index");

        // A proxy whose singleton leaves with the node would warn that it cannot find it; they go first when the node leaves.
        CoordinatedShutdown.Get(system).AddTask(CoordinatedShutdown.PhaseBeforeClusterShutdown, "stop-singleton-proxies", async () =>
        {
            await Task.WhenAll(new[] { sites, ledger, index }.Select(p => p.GracefulStop(TimeSpan.FromSeconds(5))));
            return Akka.Done.Instance;
        });
        logger.LogInformation("coordinator node {Address} up, journal {Journal}, seeds [{Seeds}]", cluster.SelfAddress, options.Journal,
            string.Join(", ", options.SeedNodes));
        if (keys.Keys is null)
            logger.LogWarning(
                "no consortium file (Coordinator:ConsortiumFile): secure aggregation is off and plain updates are neither sealed nor signed; development only");
        ready.SetResult(new CoordinatorActors(index, jobs, sites, ledger));
    }

    /// <summary>Starts the singleton's manager on this node (it runs on the oldest node) and returns a proxy that finds it wherever it runs.</summary>
    private IActorRef Singleton(Props props, string name)
    {
        system!.ActorOf(ClusterSingletonManager.Props(props, PoisonPill.Instance, ClusterSingletonManagerSettings.Create(system)), name);
        return system.ActorOf(ClusterSingletonProxy.Props($"/user/{name}", ClusterSingletonProxySettings.Create(system)), $"{name}-proxy");
    }

    /// <summary>
    /// Why this node could not answer a request about <paramref name="what"/> within <paramref name="waited"/>, as a
    /// person should read it: still starting, not yet in its cluster, a node of it unreachable, or (the cluster whole)
    /// still recovering the journal.
    /// </summary>
    public string WhyNoAnswer(string what, TimeSpan waited)
    {
        if (system is null || !ready.Task.IsCompleted) return "its node is still starting";
        var cluster = Cluster.Get(system);
        var status = cluster.SelfMember.Status;
        if (status != MemberStatus.Up)
            return options.SeedNodes.Count == 0 ? $"its node has not joined its own cluster yet (it is {status})"
                : $"its node has not joined the coordinator cluster yet (it is {status}; seeds {string.Join(", ", options.SeedNodes)})";
        var unreachable = cluster.State.Unreachable;
        if (unreachable.Count > 0)
            return $"coordinator node(s) {string.Join(", ", unreachable.Select(m => m.Address))} are unreachable; their jobs and singletons " +
                $"move to the survivors once the split-brain resolver downs them ({options.DowningStableAfter.TotalSeconds:0} s after the cluster settles)";
        if (cluster.State.Leader is null) return "its cluster has no leader yet";
        return $"its {what} did not answer within {waited.TotalSeconds:0} s: it is still recovering from its journal";
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (system is null) return;
        await CoordinatedShutdown.Get(system).Run(CoordinatedShutdown.ClrExitReason.Instance);
    }
}
