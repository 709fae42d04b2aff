using System.Security.Cryptography;
using FedHealth.Privacy.Crypto;

namespace FedHealth.Coordinator.Jobs;

/// <summary>The coordinator's key material for secure rounds: the consortium's registered site keys and its own sealing key.</summary>
public sealed record SecureAggregationKeys(ConsortiumTrust Trust, ECDiffieHellman CoordinatorKey);
