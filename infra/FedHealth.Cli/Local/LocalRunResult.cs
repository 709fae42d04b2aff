using FedHealth.Contracts;
using FedHealth.Sites;

namespace FedHealth.Cli.Local;

/// <summary>A finished local run: its summary, the job it ran, the sites (with their local splits) and every round.</summary>
public sealed record LocalRunResult(FederationSummary Summary, JobSpec Spec, IReadOnlyList<SiteAgent> Sites, IReadOnlyList<RoundCompleted> Rounds);
