using System.Security.Cryptography;
using FedHealth.Contracts;
using FedHealth.Coordinator.Jobs;
using FedHealth.Privacy.Crypto;
using FedHealth.Tests.Support;

namespace FedHealth.Tests.Coordinator;

/// <summary>
/// A secure job's rules without actors or a bus: a coordinator key, a signing key per site, the job's state created
/// from <paramref name="spec"/>, and its journal as the decisions are taken.
/// </summary>
public abstract class SecureJobTestBase : IDisposable
{
    protected static readonly DateTimeOffset T0 = new(2026, 11, 24, 10, 0, 0, TimeSpan.Zero);
    protected readonly Guid job = Guid.NewGuid();
    protected readonly ECDiffieHellman coordinatorKey = KeyAgreement.NewKey();
    protected readonly Dictionary<string, SigningKey> identities;
    protected readonly SecureAggregationKeys keys;
    protected readonly List<IJobEvent> journal = new();
    protected readonly JobState state;

    protected SecureJobTestBase(IReadOnlyList<string> sites, JobSpec spec)
    {
        identities = sites.ToDictionary(s => s, _ => SigningKey.Create());
        var trust = TestTrust.Of(KeyAgreement.PublicKey(coordinatorKey), identities.ToDictionary(p => p.Key, p => p.Value.PublicKey));
        keys = new SecureAggregationKeys(trust, coordinatorKey);
        state = new JobState(keys);
        Take(JobState.Create(job, spec, sites, T0));
    }

    /// <summary>A site's secure message, which must be taken; its events are applied and journaled.</summary>
    protected void Decide(object? message)
    {
        var decision = state.OnSecureMessage(Assert.IsAssignableFrom<ISecureRoundMessage>(message), T0);
        Assert.Null(decision.Refusal);
        Take(decision.Events);
    }

    /// <summary>
    /// The listed sites answer the collected keys the job broadcast; in a sparse round that is their graph seeds, and
    /// then their shares once the job relays every seed. Afterwards the job broadcasts the relayed shares.
    /// </summary>
    protected void AnswerKeys(IEnumerable<string> sites, Func<string, MaskingKeysCollected, object?> onKeys, Func<string, GraphSeedsRevealed, object?> onSeeds)
    {
        var collected = Assert.IsType<MaskingKeysCollected>(state.PendingBroadcast);
        var answering = sites.ToList();
        foreach (var s in answering) Decide(onKeys(s, collected));
        if (state.PendingBroadcast is GraphSeedsRevealed seeds)
            foreach (var s in answering) Decide(onSeeds(s, seeds));
    }

    protected void Take(IEnumerable<IJobEvent> events)
    {
        foreach (var e in events) { state.Apply(e); journal.Add(e); }
    }

    public void Dispose()
    {
        coordinatorKey.Dispose();
        foreach (var i in identities.Values) i.Dispose();
        GC.SuppressFinalize(this);
    }
}
