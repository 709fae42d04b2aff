using System.Diagnostics;
using System.Security.Cryptography;
using FedHealth.Contracts;
using FedHealth.Privacy.Crypto;
using FedHealth.Privacy.SecureAggregation;

namespace FedHealth.Cli.Bench;

/// <summary>
/// One secure round with every party in this process, one after another (each using the machine's cores as it would
/// its own), every party's work timed step by step: keys, shares, masking (a site's encode, mask and seal; the
/// coordinator's check, open and fold), unmasking shares, and the coordinator's final unmasking.
/// </summary>
internal sealed class SecureRoundTimings
{
    public static readonly string[] Steps = ["keys", "shares", "masked", "unmask", "finish"];

    public Dictionary<string, Dictionary<string, double>> Sites { get; } = new();
    public Dictionary<string, double> Coordinator { get; } = Steps.ToDictionary(s => s, _ => 0.0);

    public double CoordinatorTotal => Coordinator.Values.Sum();
    public double SiteTotal(string id) => Sites[id].Values.Sum();
    public string SlowestSite => Sites.Keys.MaxBy(SiteTotal)!;
    public double SlowestSiteTotal => SiteTotal(SlowestSite);
    public double CriticalPath => SlowestSiteTotal + CoordinatorTotal;
    public double AllParties => Sites.Keys.Sum(SiteTotal) + CoordinatorTotal;

    /// <summary>Each party's best of several rounds of the same work: the run where its total was least, step by step as then.</summary>
    public static SecureRoundTimings Best(IReadOnlyList<SecureRoundTimings> runs)
    {
        var best = new SecureRoundTimings();
        foreach (var id in runs[0].Sites.Keys) best.Sites[id] = runs.MinBy(r => r.SiteTotal(id))!.Sites[id];
        foreach (var (step, seconds) in runs.MinBy(r => r.CoordinatorTotal)!.Coordinator) best.Coordinator[step] = seconds;
        return best;
    }

    /// <summary>Runs the round on <paramref name="updates"/> (weighted by 100 samples each) and checks the recovered sample count.</summary>
    public static SecureRoundTimings Run(IReadOnlyList<float[]> updates, Func<int, SecureRoundSettings, SecureRoundSettings>? configure = null)
    {
        var timings = new SecureRoundTimings();
        var ids = Enumerable.Range(0, updates.Count).Select(i => $"S{i:D3}").ToList();
        var identities = ids.ToDictionary(id => id, _ => SigningKey.Create());
        using var coordinatorKey = KeyAgreement.NewKey();
        var trusted = identities.ToDictionary(p => p.Key, p => p.Value.PublicKey);
        var settings = new SecureRoundSettings
        {
            RoundNonce = RandomNumberGenerator.GetBytes(16), Threshold = updates.Count / 2 + 1, CoordinatorKey = KeyAgreement.PublicKey(coordinatorKey),
        };
        settings = configure?.Invoke(updates.Count, settings) ?? settings;
        var job = Guid.NewGuid();
        foreach (var id in ids) timings.Sites[id] = Steps.ToDictionary(s => s, _ => 0.0);
        T AtSite<T>(string id, string step, Func<T> work) => Timed(timings.Sites[id], step, work);
        T AtCoordinator<T>(string step, Func<T> work) => Timed(timings.Coordinator, step, work);

        // Making a party's round state (its ephemeral keys; the coordinator's sum) is part of its work too.
        var clients = ids.ToDictionary(id => id, id => AtSite(id, "keys", () => new SecureRoundClient(id, identities[id], trusted, job, 1, settings, 3)));
        var server = AtCoordinator("keys", () => new SecureRoundServer(job, 1, settings, ids, trusted, coordinatorKey, updates[0].Length + 1));
        // Each party's work is timed on its own: a site's message is made first, then the coordinator takes it.
        foreach (var id in ids) { var m = AtSite(id, "keys", () => clients[id].Advertise()); Require(AtCoordinator("keys", () => server.Accept(m))); }
        var collected = AtCoordinator("keys", () => server.CloseKeys());
        // A sparse round's graph seeds (each site checks every advert and every seed) are timed as the key step's second half.
        var answers = ids.ToDictionary(id => id, id => AtSite(id, "keys", () => clients[id].OnKeysCollected(collected)));
        if (server.Phase == SecurePhase.Seeds)
        {
            foreach (var id in ids) Require(AtCoordinator("keys", () => server.Accept(answers[id])));
            var seeds = AtCoordinator("keys", server.CloseSeeds);
            foreach (var id in ids) answers[id] = AtSite(id, "shares", () => clients[id].OnSeedsRevealed(seeds));
        }
        foreach (var id in ids) Require(AtCoordinator("shares", () => server.Accept(answers[id])));
        var relayed = AtCoordinator("shares", () => server.CloseShares());
        for (var i = 0; i < ids.Count; i++)
        {
            var id = ids[i];
            var update = updates[i];
            var masked = AtSite(id, "masked", () =>
            {
                var input = new ulong[update.Length + 1];
                SecureRing.Wide.EncodeAll(update, 100.0, updates.Count, input);
                input[^1] = FixedPointRing.Encode(100);
                return clients[id].OnSharesRelayed(relayed, input, 0.5, "cpu", null);
            });
            Require(AtCoordinator("masked", () => server.Accept(masked)));
        }
        var request = AtCoordinator("masked", () => server.CloseMasked());
        foreach (var id in ids)
        {
            var m = AtSite(id, "unmask", () => clients[id].OnUnmaskingRequested(request));
            Require(AtCoordinator("unmask", () => server.Accept(m)));
        }
        var sum = AtCoordinator("finish", server.Finish);
        if (Math.Abs(FixedPointRing.Decode(sum[^1]) - 100.0 * updates.Count) > 1e-6) throw new InvalidOperationException("secure sum is wrong");
        foreach (var c in clients.Values) c.Dispose();
        foreach (var i in identities.Values) i.Dispose();
        return timings;
    }

    private static T Timed<T>(Dictionary<string, double> into, string step, Func<T> work)
    {
        PartyHeaps.Separate();
        var watch = Stopwatch.StartNew();
        var result = work();
        into[step] += watch.Elapsed.TotalSeconds;
        return result;
    }

    private static void Require(string? refusal)
    {
        if (refusal is not null) throw new InvalidOperationException(refusal);
    }
}
