namespace FedHealth.Contracts;

/// <summary>
/// One slice of a message too large for one broker message (a large model's update or global weights): the
/// message's JSON is cut into slices of at most the configured chunk size, each with its own SHA-256 and the
/// SHA-256 of the whole, so the receiver checks every slice on arrival and the reassembled message before use.
/// </summary>
public sealed record ChunkSlice
{
    /// <summary>One transfer: the slices of one message.</summary>
    public required Guid TransferId { get; init; }
    /// <summary>The contract's type name (e.g. RoundStarted, UpdateSubmitted); only those the receiver accepts are reassembled.</summary>
    public required string MessageType { get; init; }
    public required Guid JobId { get; init; }
    public required int Round { get; init; }
    public required int Index { get; init; }
    public required int Count { get; init; }
    /// <summary>Where <see cref="Data"/> goes in the whole message.</summary>
    public required long Offset { get; init; }
    public required long TotalBytes { get; init; }
    /// <summary>SHA-256 (lower-case hex) of the whole message's bytes.</summary>
    public required string Sha256 { get; init; }
    /// <summary>SHA-256 (lower-case hex) of <see cref="Data"/>.</summary>
    public required string ChunkSha256 { get; init; }
    public required byte[] Data { get; init; }
}

/// <summary>A slice of a site's large message to the coordinator.</summary>
public sealed record SiteChunk : ISiteRoundMessage
{
    public required string SiteId { get; init; }
    public required ChunkSlice Slice { get; init; }
    public Guid JobId => Slice.JobId;
    public int Round => Slice.Round;
}

/// <summary>A slice of the coordinator's large message to a job's sites.</summary>
public sealed record CoordinatorChunk : IRoundMessage
{
    public required ChunkSlice Slice { get; init; }
    public Guid JobId => Slice.JobId;
    public int Round => Slice.Round;
}
