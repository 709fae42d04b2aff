using FedHealth.Messaging.Signing;
using MassTransit;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace FedHealth.Coordinator.Hosting;

/// <summary>
/// Looks every <see cref="CoordinatorOptions.ConsortiumCheckInterval"/> whether the consortium file changed and takes a
/// newer (and, with the consortium CA configured, CA-signed) version at once: from then on, every message of a revoked
/// site is refused, and an enrolled or re-keyed site is heard, with no restart; and relays it to the sites.
/// </summary>
public sealed class ConsortiumFileWatcher(ConsortiumFileSource source, ConsortiumRelay relay, IBus bus, CoordinatorOptions options,
    ILogger<ConsortiumFileWatcher> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.ConsortiumCheckInterval);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            var (taken, refused) = source.Check();
            if (refused is not null) logger.LogWarning("consortium file not taken: {Reason}", refused);
            if (taken is null) continue;
            logger.LogWarning("consortium file version {Version} taken: {Sites} sites registered, revoked: {Revoked}", taken.Version, taken.Sites.Count,
                taken.Revoked.Count == 0 ? "none" : string.Join("; ", taken.Revoked.Select(r => $"{r.Key} ({r.Value})")));
            if (relay.Taken() is not { } changed) continue;
            try
            {
                using var deadline = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
                deadline.CancelAfter(options.ConsortiumCheckInterval * 4);
                await bus.Publish(changed, deadline.Token);
                logger.LogInformation("consortium file version {Version} relayed to the sites", changed.Version);
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                // Not lost for good: every site whose heartbeat shows an older version is sent it again.
                logger.LogWarning("consortium file version {Version} not relayed yet: {Error}", changed.Version, e.Message);
            }
        }
    }
}
