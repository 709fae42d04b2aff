namespace FedHealth.Cli.Jobs;

/// <summary>A dashboard's bearer token as `fedhealth job login` stored it: who it acts as and until when.</summary>
public sealed record StoredToken(string AccessToken, DateTimeOffset ExpiresAt, string? User, string? Role);
