using System.Collections.Concurrent;

namespace FedHealth.Dashboard.Security;

/// <summary>
/// Failed sign-ins per account: after <see cref="MaxFailures"/> in <see cref="Window"/> the account takes no sign-in
/// until the window has passed, from any address (the rate limiter bounds tries per address; an attacker with many
/// addresses was bounded by nothing). Every failure is logged with the account and the address.
/// </summary>
public sealed class SignInThrottle(TimeProvider clock, ILogger<SignInThrottle> log)
{
    public const int MaxFailures = 10;
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(15);
    private readonly ConcurrentDictionary<string, (DateTimeOffset Since, int Failures)> failures = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>True while <paramref name="user"/> has failed too often to try again.</summary>
    public bool Locked(string user) =>
        failures.TryGetValue(user, out var f) && f.Failures >= MaxFailures && clock.GetUtcNow() - f.Since < Window;

    public void Failed(string user, string? address)
    {
        var now = clock.GetUtcNow();
        var after = failures.AddOrUpdate(user, _ => (now, 1), (_, f) => now - f.Since >= Window ? (now, 1) : (f.Since, f.Failures + 1));
        log.LogWarning("failed sign-in for '{User}' from {Address} ({Failures} in the last {Minutes} min{Locked})", user, address ?? "?",
            after.Failures, Window.TotalMinutes, after.Failures >= MaxFailures ? "; the account takes no sign-in until the window has passed" : "");
    }

    public void Succeeded(string user) => failures.TryRemove(user, out _);
}
