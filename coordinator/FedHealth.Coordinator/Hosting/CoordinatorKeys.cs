using FedHealth.Coordinator.Jobs;

namespace FedHealth.Coordinator.Hosting;

/// <summary>The coordinator's secure-aggregation keys as a service (absent when no consortium file is configured).</summary>
public sealed record CoordinatorKeys(SecureAggregationKeys? Keys);
