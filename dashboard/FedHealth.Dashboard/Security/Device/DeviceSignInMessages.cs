namespace FedHealth.Dashboard.Security.Device;

/// <summary>What a command line sends to start a device sign-in: optionally what it says it is ("fedhealth job on HOST").</summary>
public sealed record DeviceAuthorizationRequest(string? Client);

/// <summary>
/// The answer to a new device sign-in (RFC 8628 §3.2, in the dashboard's camelCase): the secret to poll with, the code
/// for the person to type at <see cref="VerificationUri"/>, seconds until it expires and seconds between polls.
/// </summary>
public sealed record DeviceAuthorization(string DeviceCode, string UserCode, string VerificationUri, int ExpiresIn, double Interval);

/// <summary>The approval page's question: which request has this code.</summary>
public sealed record DeviceCodeEntry(string? UserCode);

/// <summary>The approval page's answer for the request with this code.</summary>
public sealed record DeviceDecision(string? UserCode, bool Approve);

/// <summary>A command line's poll (RFC 8628 §3.4).</summary>
public sealed record DeviceTokenRequest(string? DeviceCode);

/// <summary>
/// What the approval page shows before a person decides: where and when the request came from, what the command line
/// claims to be, who it will act as (the signed-in user, with that user's role) and until about when.
/// </summary>
public sealed record DeviceRequestView(string UserCode, string Address, string? ClaimedClient, DateTimeOffset RequestedAt, DateTimeOffset ExpiresAt,
    string User, string Role, DateTimeOffset SessionUntil);
