namespace FedHealth.Dashboard.Security.Device;

/// <summary>
/// What the approval page shows of a pending device sign-in: the address it came from, when, and what the command line
/// says it is (<see cref="ClaimedClient"/>: its own words, never checked).
/// </summary>
public sealed record DeviceRequest(string Address, string? ClaimedClient, DateTimeOffset RequestedAt, DateTimeOffset ExpiresAt);
