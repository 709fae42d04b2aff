namespace FedHealth.Dashboard.Security;

/// <summary>A local dashboard account as its file stores it: a name, one role, and a salted PBKDF2 password hash (never the password).</summary>
public sealed record DashboardAccount
{
    public required string User { get; init; }
    public required string Role { get; init; }
    public required string PasswordHash { get; init; }
}
