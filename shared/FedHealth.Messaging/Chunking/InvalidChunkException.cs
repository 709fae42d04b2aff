namespace FedHealth.Messaging.Chunking;

/// <summary>A slice of a chunked message, or the message it reassembles to, is malformed; the message says what and where.</summary>
public sealed class InvalidChunkException(string message) : Exception(message);
