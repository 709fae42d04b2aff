using MassTransit;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace FedHealth.SiteAgent;

/// <summary>Publishes each hosted site's heartbeat at start and then every interval, so the coordinator knows who is online.</summary>
public sealed class SiteHeartbeats(IReadOnlyList<Agent> agents, IBus bus, TimeProvider clock, ILogger<SiteHeartbeats> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = agents.Min(a => a.Config.Training.HeartbeatInterval);
        using var timer = new PeriodicTimer(interval, clock);
        do
        {
            foreach (var agent in agents)
            {
                try
                {
                    using var deadline = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
                    deadline.CancelAfter(interval);
                    await bus.Publish(agent.Heartbeat(clock.GetUtcNow()), deadline.Token);
                }
                catch (Exception e) when (!stoppingToken.IsCancellationRequested)
                {
                    logger.LogWarning("site {Site}: heartbeat not sent: {Error}", agent.Id, e.Message);
                }
            }
        }
        while (await NextTick(timer, stoppingToken));
    }

    private static async Task<bool> NextTick(PeriodicTimer timer, CancellationToken stoppingToken)
    {
        try { return await timer.WaitForNextTickAsync(stoppingToken); }
        catch (OperationCanceledException) { return false; }
    }
}
