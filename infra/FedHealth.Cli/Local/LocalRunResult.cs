using FedHealth.Contracts;
using FedHealth.SiteAgent;

namespace FedHealth.Cli.Local;

/// <summary>A finished local run: its summary, the job it ran, the sites (with their local splits) and every round.</summary>
public sealed record LocalRunResult(FederationSummary Summary, JobSpec Spec, IReadOnlyList<Agent> Sites, IReadOnlyList<RoundCompleted> Rounds);
