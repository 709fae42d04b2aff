using System.Collections.Concurrent;

namespace FedHealth.Dashboard.Security.Device;

/// <summary>
/// Wrong user codes per signed-in user (RFC 8628 §5.1: guessing codes is the flow's main risk): after
/// <see cref="MaxFailures"/> in <see cref="Window"/> the user may enter no code, right or wrong, until the window has
/// passed. With 20^8 codes and ten pending at most per address, a user guesses one in about 2.6e8 windows of 15 minutes.
/// Pure: time from the clock given; the endpoint logs.
/// </summary>
public sealed class WrongCodeThrottle(TimeProvider clock)
{
    public const int MaxFailures = 5;
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(15);
    private readonly ConcurrentDictionary<string, (DateTimeOffset Since, int Failures)> failures = new(StringComparer.Ordinal);

    /// <summary>True while <paramref name="user"/> has entered too many wrong codes to try again.</summary>
    public bool Locked(string user) =>
        failures.TryGetValue(user, out var f) && f.Failures >= MaxFailures && clock.GetUtcNow() - f.Since < Window;

    /// <summary>Counts a wrong code; answers how many in the current window.</summary>
    public int Failed(string user)
    {
        var now = clock.GetUtcNow();
        return failures.AddOrUpdate(user, _ => (now, 1), (_, f) => now - f.Since >= Window ? (now, 1) : (f.Since, f.Failures + 1)).Failures;
    }
}
