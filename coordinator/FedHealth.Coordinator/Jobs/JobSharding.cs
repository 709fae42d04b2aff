using Akka.Cluster.Sharding;
using FedHealth.Contracts;
using static FedHealth.Coordinator.Jobs.JobProtocol;

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

    public static Guid? JobIdOf(object message) => message switch
    {
        StartJob m => m.JobId,
        GetJobSummary m => m.JobId,
        StopJob m => m.JobId,
        ResumeJob m => m.JobId,
        GetJobModel m => m.JobId,
        UpdateSubmitted m => m.JobId,
        SealedUpdateSubmitted m => m.JobId,
        EvaluationSubmitted m => m.JobId,
        CrossSiteEvaluationSubmitted m => m.JobId,
        RoundDeclined m => m.JobId,
        ISecureRoundMessage m => m.JobId,
        SiteChunk m => m.Slice.JobId,
        _ => null,
    };
}
