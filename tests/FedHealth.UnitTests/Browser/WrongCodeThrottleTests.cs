using FedHealth.Dashboard.Security.Device;
using FedHealth.Tests.Support;

namespace FedHealth.Tests.Browser;

/// <summary>Guessing device codes is bounded per signed-in user: five wrong codes lock that user (only) for fifteen minutes.</summary>
public sealed class WrongCodeThrottleTests
{
    [Fact]
    public void A_user_who_entered_five_wrong_codes_may_enter_none_until_the_window_has_passed()
    {
        var clock = new ManualClock(new DateTimeOffset(2026, 12, 6, 9, 0, 0, TimeSpan.Zero));
        var throttle = new WrongCodeThrottle(clock);
        for (var i = 1; i < WrongCodeThrottle.MaxFailures; i++) Assert.Equal(i, throttle.Failed("alice (SSO)"));
        Assert.False(throttle.Locked("alice (SSO)"));
        throttle.Failed("alice (SSO)");
        Assert.True(throttle.Locked("alice (SSO)"));
        Assert.False(throttle.Locked("alice"));
        clock.Advance(WrongCodeThrottle.Window - TimeSpan.FromSeconds(1));
        Assert.True(throttle.Locked("alice (SSO)"));
        clock.Advance(TimeSpan.FromSeconds(1));
        Assert.False(throttle.Locked("alice (SSO)"));
        Assert.Equal(1, throttle.Failed("alice (SSO)"));
    }
}
