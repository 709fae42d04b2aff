namespace FedHealth.Dashboard.Security.Device;

/// <summary>
/// Who approved a device sign-in, as the session to open for the command line needs it: the name and role the approving
/// session carried, and either the provider that vouched for the user (<see cref="Provider"/>) or the local account as it
/// was at approval (<see cref="Account"/>; a change to it since then ends the new session at its first use).
/// </summary>
public sealed record DeviceApprover(string User, string Role, string? Provider, DashboardAccount? Account);
