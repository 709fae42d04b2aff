using System.Security.Cryptography;
using FedHealth.Contracts;

namespace FedHealth.Messaging.Chunking;

/// <summary>Cuts a message's JSON into checksummed slices no larger than the broker may carry.</summary>
public static class MessageChunker
{
    /// <summary>The message as a <see cref="BinaryEnvelope"/> (its tensors raw), already cut into slices: never held whole.</summary>
    public static DigestingStream Serialize(object message, int chunkBytes)
    {
        if (chunkBytes < 1) throw new ArgumentOutOfRangeException(nameof(chunkBytes), chunkBytes, "chunk size must be positive");
        var stream = new DigestingStream(chunkBytes);
        BinaryEnvelope.Write(stream, message, WireJson.Options);
        return stream;
    }

    public static IReadOnlyList<ChunkSlice> Split(DigestingStream body, string messageType, Guid jobId, int round)
    {
        var transfer = Guid.NewGuid();
        var whole = body.Sha256();
        var slices = body.Slices;
        var offset = 0L;
        return slices.Select((data, i) =>
        {
            var slice = new ChunkSlice
            {
                TransferId = transfer, MessageType = messageType, JobId = jobId, Round = round, Index = i, Count = slices.Count, Offset = offset,
                TotalBytes = body.Bytes, Sha256 = whole, ChunkSha256 = Convert.ToHexStringLower(SHA256.HashData(data)), Data = data,
            };
            offset += data.Length;
            return slice;
        }).ToList();
    }

    /// <summary>Slices of bytes already serialized (a test's or a tool's own body).</summary>
    public static IReadOnlyList<ChunkSlice> Split(byte[] body, string messageType, Guid jobId, int round, int chunkBytes)
    {
        using var stream = new DigestingStream(chunkBytes);
        stream.Write(body);
        return Split(stream, messageType, jobId, round);
    }
}
