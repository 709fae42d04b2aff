using FedHealth.Contracts;
using FedHealth.Messaging;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;

namespace FedHealth.SiteAgent.Doctor;

/// <summary>
/// Asks the coordinator for its clock over the broker, as the agent will talk to it, and compares it with this
/// machine's: heartbeats, round deadlines and ledger timestamps are judged across the two clocks.
/// </summary>
public static class CoordinatorClockCheck
{
    private const string Name = "coordinator clock";
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);
    /// <summary>Within this, the clocks agree for every purpose.</summary>
    public static readonly TimeSpan Agree = TimeSpan.FromSeconds(2);
    /// <summary>Beyond this the coordinator may take the site's heartbeats for stale ones (it allows about 25 s).</summary>
    public static readonly TimeSpan Broken = TimeSpan.FromSeconds(20);

    public static async Task<CheckResult> Run(BusOptions bus, string siteId, CancellationToken cancellationToken)
    {
        var services = new ServiceCollection();
        // Published, not sent to the coordinator's exchange: a site's broker account may publish a clock probe and
        // nothing into the coordinator's own exchange (BrokerPermissions).
        services.AddFederationBus(bus, x => x.AddRequestClient<ClockProbe>(RequestTimeout.After(s: (int)Timeout.TotalSeconds)),
            (_, cfg) => SiteBusQueue.Name(cfg, siteId));
        await using var provider = services.BuildServiceProvider();
        var control = provider.GetRequiredService<IBusControl>();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Timeout * 2);
        try
        {
            await control.StartAsync(timeout.Token);
            var client = provider.GetRequiredService<IRequestClient<ClockProbe>>();
            var sent = DateTimeOffset.UtcNow;
            var response = await client.GetResponse<CoordinatorClock>(new ClockProbe { SiteId = siteId }, timeout.Token);
            var received = DateTimeOffset.UtcNow;
            return Judge(sent, response.Message.Now, received);
        }
        catch (Exception e) when (e is RequestTimeoutException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return CheckResult.Warn(Name, $"the coordinator did not answer within {Timeout.TotalSeconds:0} s (is it running?): clock skew not measured");
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return CheckResult.Warn(Name, $"could not ask the coordinator ({e.GetBaseException().Message}): clock skew not measured");
        }
        finally
        {
            // Bounded: a bus whose channel the broker closed (a refused permission) must not hold the doctor.
            using var stopping = new CancellationTokenSource(Timeout);
            try { await control.StopAsync(stopping.Token); }
            catch (OperationCanceledException) { }
        }
    }

    /// <summary>The skew is the coordinator's time less the middle of the round trip; the uncertainty is half of it.</summary>
    public static CheckResult Judge(DateTimeOffset sent, DateTimeOffset coordinatorNow, DateTimeOffset received)
    {
        var roundTrip = received - sent;
        var skew = coordinatorNow - (sent + roundTrip / 2);
        var magnitude = skew.Duration();
        var text = $"this machine's clock is {magnitude.TotalSeconds:0.00} s {(skew > TimeSpan.Zero ? "behind" : "ahead of")} the coordinator's (± " +
            $"{roundTrip.TotalSeconds / 2:0.00} s)";
        if (magnitude <= Agree) return CheckResult.Pass(Name, text);
        if (magnitude <= Broken) return CheckResult.Warn(Name, $"{text}: synchronise both with NTP before it grows");
        return CheckResult.Fail(Name, $"{text}: the coordinator would take this site's heartbeats for stale ones and its deadlines would be off",
            "synchronise this machine's clock (timedatectl set-ntp true, or the hospital's NTP server) and ask the consortium to check the coordinator's");
    }
}
