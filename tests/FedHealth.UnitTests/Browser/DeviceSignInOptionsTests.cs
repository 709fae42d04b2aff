using FedHealth.Dashboard.Security.Device;
using Microsoft.Extensions.Configuration;

namespace FedHealth.Tests.Browser;

/// <summary>Device sign-in's settings: RFC 8628's defaults unless set, and a wrong setting stops the start, named.</summary>
public sealed class DeviceSignInOptionsTests
{
    private static DeviceSignInOptions From(params (string Key, string Value)[] settings) => DeviceSignInOptions.From(
        new ConfigurationBuilder().AddInMemoryCollection(settings.Select(s => KeyValuePair.Create<string, string?>(s.Key, s.Value))).Build());

    [Fact]
    public void Without_settings_a_code_lives_ten_minutes_and_is_polled_every_five_seconds()
    {
        var options = From();
        Assert.Equal((TimeSpan.FromMinutes(10), TimeSpan.FromSeconds(5)), (options.Lifetime, options.Interval));
    }

    [Fact]
    public void The_interval_is_set_for_tests_and_a_wrong_one_is_named()
    {
        Assert.Equal(TimeSpan.FromMilliseconds(200), From(("Dashboard:DeviceSignIn:Interval", "00:00:00.200")).Interval);
        var refused = Assert.Throws<InvalidOperationException>(() => From(("Dashboard:DeviceSignIn:Interval", "00:00:00")));
        Assert.StartsWith("Dashboard:DeviceSignIn:Interval: '00:00:00' must be more than 0", refused.Message);
    }
}
