namespace FedHealth.Dashboard.Security.Device;

/// <summary>What polling with a device code gives: a wait, an RFC 8628 error, or the approver to open a session for.</summary>
public sealed record DevicePoll(string? Error, DeviceApprover? Approver = null, TimeSpan Interval = default)
{
    public const string Pending = "authorization_pending";
    public const string SlowDown = "slow_down";
    public const string Expired = "expired_token";
    public const string Denied = "access_denied";
    public const string Invalid = "invalid_grant";

    public static DevicePoll Approved(DeviceApprover approver) => new(null, approver);
}
