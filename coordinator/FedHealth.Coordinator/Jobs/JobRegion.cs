using Akka.Actor;
using Akka.Cluster.Sharding;

namespace FedHealth.Coordinator.Jobs;

/// <summary>Starts this node's part of the sharded job region: the node hosts some jobs and routes messages for the others.</summary>
public static class JobRegion
{
    public static Task<IActorRef> Start(ActorSystem system, Func<Guid, Props> jobProps) =>
        ClusterSharding.Get(system).StartAsync(JobMessageExtractor.TypeName, entityId => jobProps(Guid.Parse(entityId)),
            ClusterShardingSettings.Create(system), new JobMessageExtractor());
}
