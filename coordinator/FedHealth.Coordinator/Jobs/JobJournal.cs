using FedHealth.Coordinator.Hosting;

namespace FedHealth.Coordinator.Jobs;

/// <summary>
/// How a job keeps its journal the size of its model rather than of its history: a snapshot as each round opens, and
/// the events it covers pruned (then the space given back). Snapshots off: recovery replays every event (the recovery
/// bench's baseline). Pruning off: every event is kept (Coordinator:KeepJobHistory, for audits of the journal itself).
/// </summary>
public sealed record JobJournal(bool Snapshots = true, bool PruneRounds = true, JournalSpace? Space = null);
