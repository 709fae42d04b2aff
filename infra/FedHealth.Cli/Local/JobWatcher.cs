using FedHealth.Contracts;

namespace FedHealth.Cli.Local;

/// <summary>Follows one job's events on the bus: prints each round as it completes and signals the job's end.</summary>
public sealed class JobWatcher(RoundTable table)
{
    private readonly TaskCompletionSource<JobEnded> ended = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly List<RoundCompleted> rounds = new();
    private Guid? jobId;
    private readonly object gate = new();

    public Task<JobEnded> Ended => ended.Task;

    public IReadOnlyList<RoundCompleted> Rounds { get { lock (gate) return rounds.OrderBy(r => r.Round).ToList(); } }

    public void Watch(Guid id) { lock (gate) jobId = id; }

    public void OnRound(RoundCompleted round)
    {
        lock (gate)
        {
            if (round.JobId != jobId || rounds.Any(r => r.Round == round.Round)) return;
            rounds.Add(round);
            table.Row(round);
        }
    }

    public void OnEnded(JobEnded end)
    {
        if (end.JobId == jobId) ended.TrySetResult(end);
    }
}
