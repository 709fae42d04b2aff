using Akka.Cluster.Sharding;
using FedHealth.Contracts;

namespace FedHealth.Coordinator.Jobs;

/// <summary>
/// Jobs are spread over the coordinator cluster by Akka.NET cluster sharding, one entity per job id: whichever
/// node takes a message off the bus, it reaches the one node running that job, and a job whose node dies is
/// started again (from its journal) on a survivor.
/// </summary>
public sealed class JobMessageExtractor() : HashCodeMessageExtractor(MaxShards)
{
    public const string TypeName = "job";
    /// <summary>Ten shards per node of the largest cluster we plan for; more only spreads a handful of jobs thinner.</summary>
    public const int MaxShards = 30;

    public override string EntityId(object message) =>
        JobIdOf(message)?.ToString() ?? throw new ArgumentException($"{message.GetType().Name} names no job");

    /// <summary>The job a message is about: every job's message says so itself (<see cref="IJobMessage"/>).</summary>
    public static Guid? JobIdOf(object message) => (message as IJobMessage)?.JobId;
}
