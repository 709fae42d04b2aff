namespace FedHealth.Privacy.SecureAggregation;

/// <summary>A secure round that cannot go on (too few parties left, a refused message), with the reason.</summary>
public sealed class SecureRoundException(string message) : Exception(message);
