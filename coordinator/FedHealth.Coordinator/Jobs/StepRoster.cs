namespace FedHealth.Coordinator.Jobs;

/// <summary>
/// Who answered a step, who declined it and why: one record for every step the kernel runs (a training round's updates,
/// an evaluation, cross-site scoring), so "already answered", "everyone has answered", "still waiting for" and the
/// reason each missing site was left out are written once.
/// </summary>
public sealed class StepRoster<TAnswer>
{
    private readonly Dictionary<string, TAnswer> answers = new();
    private readonly Dictionary<string, string> declined = new();

    public IReadOnlyDictionary<string, TAnswer> Answers => answers;
    public IReadOnlyDictionary<string, string> Declined => declined;
    public bool IsEmpty => answers.Count == 0 && declined.Count == 0;

    /// <summary>The site has answered or declined this step (a second answer is a resend).</summary>
    public bool HasAnswered(string site) => answers.ContainsKey(site) || declined.ContainsKey(site);

    public void Answer(string site, TAnswer answer) => answers[site] = answer;
    public void Decline(string site, string reason) => declined[site] = reason;

    public void Clear()
    {
        answers.Clear();
        declined.Clear();
    }

    /// <summary>A new attempt of a step: whoever declined the last one has not answered this one.</summary>
    public void ClearDeclines() => declined.Clear();

    /// <summary>Every expected site has answered or declined, counting <paramref name="with"/> (the message being decided) as answered.</summary>
    public bool Complete(IEnumerable<string> expected, string? with = null) => expected.All(p => p == with || HasAnswered(p));

    /// <summary>The expected sites that have neither answered nor declined.</summary>
    public IReadOnlyList<string> WaitingFor(IEnumerable<string> expected) => expected.Where(p => !HasAnswered(p)).ToList();

    /// <summary>
    /// Why a site is missing from the step's result: the decline being decided now, its decline, its being gone (heartbeats
    /// stopped), or else being late with <paramref name="late"/>.
    /// </summary>
    public string LeftOutReason(string site, (string Site, string Reason)? decliningNow, string? gone, string late) =>
        decliningNow is { } now && now.Site == site ? now.Reason
        : declined.TryGetValue(site, out var why) ? why
        : gone ?? late;
}
