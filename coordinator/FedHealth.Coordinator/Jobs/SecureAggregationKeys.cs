using System.Security.Cryptography;
using FedHealth.Privacy.Crypto;

namespace FedHealth.Coordinator.Jobs;

/// <summary>
/// The coordinator's key material: the consortium's registered keys, its own sealing key (secure rounds), and its
/// signing key (every message it sends; null only where a test drives the actors without a bus).
/// </summary>
public sealed record SecureAggregationKeys(ConsortiumTrust Trust, ECDiffieHellman CoordinatorKey, SigningKey? Signing = null);
