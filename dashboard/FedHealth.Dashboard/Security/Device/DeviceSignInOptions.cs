namespace FedHealth.Dashboard.Security.Device;

/// <summary>
/// Lifetimes and bounds of device sign-in (section <c>Dashboard:DeviceSignIn</c>). Only <see cref="Interval"/> is
/// usually set, and only by tests: a command line may poll once per interval, and tests should not wait 5 s for it.
/// </summary>
public sealed record DeviceSignInOptions
{
    public const string Section = "Dashboard:DeviceSignIn";

    /// <summary>How long a code may wait for approval (RFC 8628 expires_in).</summary>
    public TimeSpan Lifetime { get; init; } = TimeSpan.FromMinutes(10);
    /// <summary>How often the command line may poll (RFC 8628 interval); each slow_down adds <see cref="SlowDownStep"/>.</summary>
    public TimeSpan Interval { get; init; } = TimeSpan.FromSeconds(5);
    public static readonly TimeSpan SlowDownStep = TimeSpan.FromSeconds(5);
    /// <summary>Pending requests held at once, from all addresses; beyond, new ones are refused until some end.</summary>
    public int MaxPending { get; init; } = 500;
    /// <summary>Pending requests held at once from one address.</summary>
    public int MaxPendingPerAddress { get; init; } = 10;
    /// <summary>The longest client description kept (what the command line says it is; display only).</summary>
    public const int MaxClientLength = 100;

    public static DeviceSignInOptions From(IConfiguration configuration)
    {
        var options = configuration.GetSection(Section).Get<DeviceSignInOptions>() ?? new DeviceSignInOptions();
        if (options.Interval <= TimeSpan.Zero || options.Interval > TimeSpan.FromMinutes(1))
            throw new InvalidOperationException($"{Section}:Interval: '{options.Interval}' must be more than 0 and at most 00:01:00");
        if (options.Lifetime < TimeSpan.FromMinutes(1) || options.Lifetime > TimeSpan.FromHours(1))
            throw new InvalidOperationException($"{Section}:Lifetime: '{options.Lifetime}' must be between 00:01:00 and 01:00:00");
        if (options.MaxPending < 1 || options.MaxPendingPerAddress < 1)
            throw new InvalidOperationException($"{Section}: MaxPending and MaxPendingPerAddress must be at least 1");
        return options;
    }
}
