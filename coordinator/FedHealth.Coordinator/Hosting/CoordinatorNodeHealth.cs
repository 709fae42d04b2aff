using Akka.Cluster;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace FedHealth.Coordinator.Hosting;

/// <summary>
/// Readiness of a coordinator node: its actors started and the node an Up member of its cluster (a node still joining,
/// or leaving, runs no job and answers no query). Reported on <c>/healthz/ready</c> beside the bus's own check.
/// </summary>
public sealed class CoordinatorNodeHealth(CoordinatorNode node) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (node.System is not { } system || !node.Actors.IsCompletedSuccessfully)
            return Task.FromResult(HealthCheckResult.Unhealthy("the node's actors have not started"));
        var status = Cluster.Get(system).SelfMember.Status;
        return Task.FromResult(status == MemberStatus.Up
            ? HealthCheckResult.Healthy($"cluster member {Cluster.Get(system).SelfAddress} is up")
            : HealthCheckResult.Unhealthy($"cluster member {Cluster.Get(system).SelfAddress} is {status}"));
    }
}
