using System.Security.Cryptography;
using FedHealth.Messaging.Signing;
using FedHealth.Privacy.Crypto;

namespace FedHealth.Coordinator.Jobs;

/// <summary>
/// The coordinator's key material: the consortium's registered keys as they stand now (the file is followed while the
/// coordinator runs: a site enrolled, rotated or revoked counts from the next message), its own sealing key (secure
/// rounds), and its signing key (every message it sends; null only where a test drives the actors without a bus).
/// </summary>
public sealed record SecureAggregationKeys(ConsortiumFileSource Consortium, ECDiffieHellman CoordinatorKey, SigningKey? Signing = null)
{
    /// <summary>A consortium file that does not change (tests, a coordinator without a file to follow).</summary>
    public SecureAggregationKeys(ConsortiumTrust trust, ECDiffieHellman coordinatorKey, SigningKey? signing = null)
        : this(new ConsortiumFileSource(trust), coordinatorKey, signing) { }

    public ConsortiumTrust Trust => Consortium.Current;
}
