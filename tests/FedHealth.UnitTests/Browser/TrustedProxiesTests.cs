using System.Net;
using FedHealth.Dashboard.Security;

namespace FedHealth.Tests.Browser;

public sealed class TrustedProxiesTests
{
    [Fact]
    public void Nothing_configured_reads_no_forwarded_header_not_even_from_loopback()
    {
        Assert.Null(TrustedProxies.From(new TrustedProxySettings()));
        Assert.Null(TrustedProxies.From(new TrustedProxySettings { KnownProxies = [], KnownNetworks = [] }));
    }

    [Fact]
    public void Only_the_named_proxies_and_networks_are_trusted_and_only_the_last_hop_is_read()
    {
        var options = TrustedProxies.From(new TrustedProxySettings { KnownProxies = ["10.0.0.5", " ::1 "], KnownNetworks = ["192.168.7.0/24"] })!;
        Assert.Equal([IPAddress.Parse("10.0.0.5"), IPAddress.IPv6Loopback], options.KnownProxies);
        Assert.Equal([System.Net.IPNetwork.Parse("192.168.7.0/24")], options.KnownIPNetworks);
        Assert.DoesNotContain(IPAddress.Loopback, options.KnownProxies);
        Assert.Equal(1, options.ForwardLimit);
    }

    [Fact]
    public void A_wrong_entry_stops_the_start_naming_its_place_and_value()
    {
        var e = Assert.Throws<InvalidOperationException>(() =>
            TrustedProxies.From(new TrustedProxySettings { KnownProxies = ["10.0.0.5", "proxy.local"], KnownNetworks = ["10.0.0.0/33"] }));
        Assert.Contains("Dashboard:Proxy:KnownProxies:1: 'proxy.local' is not an IP address", e.Message);
        Assert.Contains("Dashboard:Proxy:KnownNetworks:0: '10.0.0.0/33' is not a network in CIDR notation", e.Message);
    }
}
