namespace FedHealth.Contracts;

/// <summary>
/// Marker for the coordinator's messages to every site that belong to no job's round (the consortium's own changes).
/// Sites read them on their own queue, like round messages; only the coordinator sends them, and it signs them.
/// </summary>
public interface ISiteBroadcast;

/// <summary>
/// The consortium file changed (a site enrolled, rotated its key or was revoked): the file as the consortium's CA signed
/// it. The coordinator relays it when it takes a new version and when a site's heartbeat shows an older one; a site
/// takes it only when it is newer than its own and the consortium CA's signature holds, so the coordinator relays it
/// but cannot write it.
/// </summary>
public sealed record ConsortiumChanged : ISiteBroadcast
{
    public required int Version { get; init; }
    /// <summary>The consortium file's JSON, signature included, exactly as the CA signed it.</summary>
    public required string Consortium { get; init; }
}
