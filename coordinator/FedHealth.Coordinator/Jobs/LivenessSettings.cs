using Akka.Actor;

namespace FedHealth.Coordinator.Jobs;

/// <summary>How a job checks on its sites: the registry of heartbeats, when a silent site counts as gone, and how often to look.</summary>
public sealed record LivenessSettings(IActorRef Sites, TimeSpan OfflineAfter, TimeSpan CheckEvery);
