using Microsoft.AspNetCore.SignalR;

namespace FedHealth.Dashboard;

/// <summary>
/// The live channel to browsers. Clients only listen: the server pushes <see cref="HubEvents"/>; every action
/// goes through the HTTP API, where it is validated.
/// </summary>
public sealed class FederationHub : Hub
{
    public const string Path = "/hubs/federation";
}

/// <summary>Names of the events the hub pushes, shared by server and page.</summary>
public static class HubEvents
{
    public const string RoundCompleted = "roundCompleted";
    public const string JobEnded = "jobEnded";
    public const string SiteHeartbeat = "siteHeartbeat";
    public const string JobCreated = "jobCreated";
    public const string JobStatusChanged = "jobStatusChanged";
    public const string TransferAppended = "transferAppended";
}
