using System.Security.Cryptography;
using FedHealth.Contracts;

namespace FedHealth.Messaging.Chunking;

/// <summary>Cuts a message into checksummed slices no larger than the broker may carry, one slice in memory at a time.</summary>
public static class MessageChunker
{
    /// <summary>The message as a <see cref="BinaryEnvelope"/> (its tensors raw), in pieces that share the message's arrays.</summary>
    public static IReadOnlyList<ReadOnlyMemory<byte>> Envelope(object message) => BinaryEnvelope.Segments(message, WireJson.Options);

    public static long Length(IReadOnlyList<ReadOnlyMemory<byte>> body) => body.Sum(s => (long)s.Length);

    /// <summary>
    /// The slices of <paramref name="body"/>, made as they are enumerated (each slice is a fresh copy of at most
    /// <paramref name="chunkBytes"/>); the whole's SHA-256, which every slice carries, is computed first in one pass.
    /// </summary>
    public static IEnumerable<ChunkSlice> Slices(IReadOnlyList<ReadOnlyMemory<byte>> body, string messageType, Guid jobId, int round, int chunkBytes)
    {
        if (chunkBytes < 1) throw new ArgumentOutOfRangeException(nameof(chunkBytes), chunkBytes, "chunk size must be positive");
        var total = Length(body);
        string whole;
        using (var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256))
        {
            foreach (var s in body) hash.AppendData(s.Span);
            whole = Convert.ToHexStringLower(hash.GetCurrentHash());
        }
        return Cut(body, total, whole, messageType, jobId, round, chunkBytes);
    }

    private static IEnumerable<ChunkSlice> Cut(IReadOnlyList<ReadOnlyMemory<byte>> body, long total, string whole, string messageType, Guid jobId,
        int round, int chunkBytes)
    {
        var transfer = Guid.NewGuid();
        var count = (int)((total + chunkBytes - 1) / chunkBytes);
        var (segment, within) = (0, 0);
        for (var index = 0; index < count; index++)
        {
            var offset = (long)index * chunkBytes;
            var data = new byte[(int)Math.Min(chunkBytes, total - offset)];
            var filled = 0;
            while (filled < data.Length)
            {
                var source = body[segment].Span[within..];
                var n = Math.Min(source.Length, data.Length - filled);
                source[..n].CopyTo(data.AsSpan(filled));
                filled += n;
                within += n;
                if (within == body[segment].Length) (segment, within) = (segment + 1, 0);
            }
            yield return new ChunkSlice
            {
                TransferId = transfer, MessageType = messageType, JobId = jobId, Round = round, Index = index, Count = count, Offset = offset,
                TotalBytes = total, Sha256 = whole, ChunkSha256 = Convert.ToHexStringLower(SHA256.HashData(data)), Data = data,
            };
        }
    }

    /// <summary>Slices of bytes already serialized (a test's or a tool's own body).</summary>
    public static IReadOnlyList<ChunkSlice> Split(byte[] body, string messageType, Guid jobId, int round, int chunkBytes) =>
        Slices([body], messageType, jobId, round, chunkBytes).ToList();
}
