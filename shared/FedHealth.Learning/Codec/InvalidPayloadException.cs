namespace FedHealth.Learning.Codec;

/// <summary>A model payload that cannot be used: wrong shape, bad checksum, NaN/Inf, unknown dtype. The message names what and where.</summary>
public sealed class InvalidPayloadException(string message) : Exception(message);
