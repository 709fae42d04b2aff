using FedHealth.Messaging.Signing;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace FedHealth.Coordinator.Hosting;

/// <summary>
/// Looks every <see cref="CoordinatorOptions.ConsortiumCheckInterval"/> whether the consortium file changed and takes a
/// newer (and, with the consortium CA configured, CA-signed) version at once: from then on, every message of a revoked
/// site is refused, and an enrolled or re-keyed site is heard, with no restart.
/// </summary>
public sealed class ConsortiumFileWatcher(ConsortiumFileSource source, CoordinatorOptions options, ILogger<ConsortiumFileWatcher> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.ConsortiumCheckInterval);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            var (taken, refused) = source.Check();
            if (refused is not null) logger.LogWarning("consortium file not taken: {Reason}", refused);
            if (taken is not null)
                logger.LogWarning("consortium file version {Version} taken: {Sites} sites registered, revoked: {Revoked}", taken.Version, taken.Sites.Count,
                    taken.Revoked.Count == 0 ? "none" : string.Join("; ", taken.Revoked.Select(r => $"{r.Key} ({r.Value})")));
        }
    }
}
