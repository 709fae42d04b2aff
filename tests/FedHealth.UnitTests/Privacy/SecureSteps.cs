using FedHealth.Contracts;
using FedHealth.Privacy.SecureAggregation;

namespace FedHealth.Tests.Privacy;

/// <summary>The step between collected keys and shares, as the protocol runs it on either graph.</summary>
internal static class SecureSteps
{
    /// <summary>
    /// Every advertiser's shares after the collected keys, not yet taken by the server: at once on the full graph; on a
    /// sparse one after every advertiser revealed its graph seed and the server relayed them all.
    /// </summary>
    public static Dictionary<string, SharesSubmitted> SharesOf(SecureRoundServer server, MaskingKeysCollected collected,
        IReadOnlyDictionary<string, SecureRoundClient> clients) => SharesOf(server, collected, clients, out _);

    /// <param name="seeds">The relayed graph seeds (null on the full graph).</param>
    public static Dictionary<string, SharesSubmitted> SharesOf(SecureRoundServer server, MaskingKeysCollected collected,
        IReadOnlyDictionary<string, SecureRoundClient> clients, out GraphSeedsRevealed? seeds)
    {
        var answers = collected.Adverts.ToDictionary(a => a.SiteId, a => clients[a.SiteId].OnKeysCollected(collected));
        seeds = null;
        if (server.Phase != SecurePhase.Seeds) return answers.ToDictionary(p => p.Key, p => Assert.IsType<SharesSubmitted>(p.Value));
        foreach (var reveal in answers.Values) Assert.Null(server.Accept(reveal));
        var relayed = seeds = server.CloseSeeds();
        return answers.Keys.ToDictionary(s => s, s => clients[s].OnSeedsRevealed(relayed));
    }
}
