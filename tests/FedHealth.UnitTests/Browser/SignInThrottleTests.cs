using FedHealth.Dashboard.Security;
using FedHealth.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;

namespace FedHealth.Tests.Browser;

/// <summary>Guessing one account's password from many addresses is bounded per account, and every failure is logged.</summary>
public sealed class SignInThrottleTests
{
    [Fact]
    public void An_account_that_failed_ten_times_takes_no_sign_in_until_the_window_has_passed_whatever_the_address()
    {
        var clock = new ManualClock(new DateTimeOffset(2026, 12, 4, 9, 0, 0, TimeSpan.Zero));
        var throttle = new SignInThrottle(clock, NullLogger<SignInThrottle>.Instance);
        for (var i = 0; i < SignInThrottle.MaxFailures - 1; i++) throttle.Failed("lead", $"10.0.0.{i}");
        Assert.False(throttle.Locked("LEAD"));
        throttle.Failed("lead", "10.0.1.1");
        Assert.True(throttle.Locked("lead"));
        Assert.False(throttle.Locked("auditor"));
        clock.Advance(SignInThrottle.Window);
        Assert.False(throttle.Locked("lead"));
        throttle.Failed("lead", "10.0.1.2");
        Assert.False(throttle.Locked("lead"));
    }
}
