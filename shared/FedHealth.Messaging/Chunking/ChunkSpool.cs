using System.Security.Cryptography;
using FedHealth.Contracts;

namespace FedHealth.Messaging.Chunking;

/// <summary>
/// Reassembles chunked messages on disk, one file per transfer, so memory holds one slice at a time whatever the
/// number of transfers in flight. Every slice is checked (its own digest, its place, the transfer's size) on
/// arrival; a repeated slice is ignored; the whole is checked against its digest before it is read as a message.
/// Only the message types given are accepted, so a sender cannot make the receiver build anything else.
/// </summary>
public sealed class ChunkSpool(string folder, IReadOnlyDictionary<string, Type> accepted, long maxBytes = ChunkSpool.DefaultMaxBytes)
{
    public const long DefaultMaxBytes = 2L * 1024 * 1024 * 1024;
    private readonly Dictionary<Guid, Transfer> transfers = new();
    // Transfers already reassembled (a slice sent again after the end must not start a transfer that never completes).
    private readonly Dictionary<Guid, (Guid JobId, int Round)> completed = new();

    private sealed class Transfer(ChunkSlice first, string path)
    {
        public ChunkSlice First { get; } = first;
        public string Path { get; } = path;
        public HashSet<int> Received { get; } = new();
        public long Bytes { get; set; }
    }

    /// <summary>Stores a slice; returns the reassembled message once the last slice has arrived, null before.</summary>
    /// <exception cref="InvalidChunkException">The slice or the reassembled message is malformed; the transfer is dropped.</exception>
    public object? Add(ChunkSlice slice)
    {
        Check(slice);
        if (completed.ContainsKey(slice.TransferId)) return null;
        if (!transfers.TryGetValue(slice.TransferId, out var transfer))
        {
            Directory.CreateDirectory(folder);
            transfer = transfers[slice.TransferId] = new Transfer(slice, Path.Combine(folder, $"{slice.TransferId:N}.part"));
        }
        else if (slice.MessageType != transfer.First.MessageType || slice.Count != transfer.First.Count || slice.TotalBytes != transfer.First.TotalBytes ||
                 slice.Sha256 != transfer.First.Sha256 || slice.JobId != transfer.First.JobId || slice.Round != transfer.First.Round)
            throw Drop(transfer, $"slice {slice.Index} of transfer {slice.TransferId} does not match the transfer's first slice");
        if (!transfer.Received.Add(slice.Index)) return null;
        using (var file = new FileStream(transfer.Path, FileMode.OpenOrCreate, FileAccess.Write, FileShare.None))
        {
            file.Position = slice.Offset;
            file.Write(slice.Data);
        }
        transfer.Bytes += slice.Data.Length;
        if (transfer.Received.Count < transfer.First.Count) return null;
        if (transfer.Bytes != transfer.First.TotalBytes)
            throw Drop(transfer, $"transfer {slice.TransferId}: its slices hold {transfer.Bytes} bytes, not {transfer.First.TotalBytes}");
        return Complete(transfer);
    }

    /// <summary>Forgets every transfer of a job's earlier rounds (their senders will not finish them).</summary>
    public void DropBefore(Guid jobId, int round)
    {
        foreach (var t in transfers.Values.Where(t => t.First.JobId == jobId && t.First.Round < round).ToList()) Drop(t, "stale");
        foreach (var id in completed.Where(c => c.Value.JobId == jobId && c.Value.Round < round).Select(c => c.Key).ToList()) completed.Remove(id);
    }

    private void Check(ChunkSlice s)
    {
        if (!accepted.ContainsKey(s.MessageType)) throw new InvalidChunkException($"chunked message type '{s.MessageType}' is not accepted here");
        if (s.Count < 1 || s.Index < 0 || s.Index >= s.Count) throw new InvalidChunkException($"slice {s.Index} of {s.Count} is out of range");
        if (s.TotalBytes < 1 || s.TotalBytes > maxBytes) throw new InvalidChunkException($"transfer of {s.TotalBytes} bytes is outside 1..{maxBytes}");
        if (s.Data is null || s.Data.Length == 0) throw new InvalidChunkException($"slice {s.Index} of transfer {s.TransferId} is empty");
        if (Convert.ToHexStringLower(SHA256.HashData(s.Data)) != s.ChunkSha256)
            throw new InvalidChunkException($"slice {s.Index} of transfer {s.TransferId} does not match its SHA-256: corrupted in transit");
        if (s.Offset < 0 || s.Offset + s.Data.Length > s.TotalBytes)
            throw new InvalidChunkException(
                $"slice {s.Index} of transfer {s.TransferId} ({s.Data.Length} bytes at {s.Offset}) lies outside its {s.TotalBytes} bytes");
    }

    private object Complete(Transfer transfer)
    {
        transfers.Remove(transfer.First.TransferId);
        completed[transfer.First.TransferId] = (transfer.First.JobId, transfer.First.Round);
        try
        {
            // Read twice from disk (hash, then parse) rather than hold the whole message's bytes in memory.
            using (var hashed = File.OpenRead(transfer.Path))
                if (Convert.ToHexStringLower(SHA256.HashData(hashed)) != transfer.First.Sha256)
                    throw new InvalidChunkException($"transfer {transfer.First.TransferId} does not match its SHA-256 once reassembled");
            using var file = File.OpenRead(transfer.Path);
            try { return BinaryEnvelope.Read(file, accepted[transfer.First.MessageType], WireJson.Options); }
            catch (InvalidDataException e)
            {
                throw new InvalidChunkException(
                $"transfer {transfer.First.TransferId} is not a readable {transfer.First.MessageType}: {e.Message}");
            }
        }
        finally { File.Delete(transfer.Path); }
    }

    private InvalidChunkException Drop(Transfer transfer, string why)
    {
        transfers.Remove(transfer.First.TransferId);
        File.Delete(transfer.Path);
        return new InvalidChunkException(why);
    }
}
