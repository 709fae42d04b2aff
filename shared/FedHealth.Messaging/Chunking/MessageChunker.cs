using System.Security.Cryptography;
using System.Text.Json;
using FedHealth.Contracts;

namespace FedHealth.Messaging.Chunking;

/// <summary>Cuts a message's JSON into checksummed slices no larger than the broker may carry.</summary>
public static class MessageChunker
{
    /// <summary>The message as the wire's JSON (large byte arrays as base64 segments).</summary>
    public static byte[] Serialize(object message) => JsonSerializer.SerializeToUtf8Bytes(message, message.GetType(), WireJson.Options);

    public static IReadOnlyList<ChunkSlice> Split(byte[] body, string messageType, Guid jobId, int round, int chunkBytes)
    {
        if (chunkBytes < 1) throw new ArgumentOutOfRangeException(nameof(chunkBytes), chunkBytes, "chunk size must be positive");
        var transfer = Guid.NewGuid();
        var whole = Convert.ToHexStringLower(SHA256.HashData(body));
        var count = (int)((body.LongLength + chunkBytes - 1) / chunkBytes);
        return Enumerable.Range(0, count).Select(i =>
        {
            var data = body.AsSpan(i * chunkBytes, (int)Math.Min(chunkBytes, body.LongLength - (long)i * chunkBytes)).ToArray();
            return new ChunkSlice
            {
                TransferId = transfer, MessageType = messageType, JobId = jobId, Round = round, Index = i, Count = count, Offset = (long)i * chunkBytes,
                TotalBytes = body.LongLength, Sha256 = whole, ChunkSha256 = Convert.ToHexStringLower(SHA256.HashData(data)), Data = data,
            };
        }).ToList();
    }
}
