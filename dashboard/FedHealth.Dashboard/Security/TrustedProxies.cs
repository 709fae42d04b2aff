using System.Net;
using Microsoft.AspNetCore.HttpOverrides;

namespace FedHealth.Dashboard.Security;

/// <summary>What <c>Dashboard:Proxy</c> says: the reverse proxies (or their networks) that end TLS in front of the dashboard.</summary>
public sealed class TrustedProxySettings
{
    public const string Section = "Dashboard:Proxy";

    /// <summary>Addresses of the proxies, as the dashboard sees them connect ("10.0.0.5", "::1").</summary>
    public string[]? KnownProxies { get; init; }

    /// <summary>Networks the proxies connect from, in CIDR ("10.0.0.0/24").</summary>
    public string[]? KnownNetworks { get; init; }
}

/// <summary>
/// Behind a proxy that ends TLS, the dashboard must see what the browser used: the scheme and host build the address the
/// identity provider sends a browser back to, and the client's own address is what sign-in throttles and device sign-in
/// count per address (not the proxy's, which would lock everyone out together). The X-Forwarded-For, -Proto and -Host
/// headers are read only from a connection whose address is a configured proxy's; from anyone else they are ignored,
/// so nobody can claim another address or scheme by sending them. Nothing configured: nothing forwarded is read.
/// </summary>
public static class TrustedProxies
{
    /// <summary>The options the forwarded-headers middleware runs with, or null when no proxy is configured; a wrong entry stops the start, named.</summary>
    public static ForwardedHeadersOptions? From(TrustedProxySettings settings)
    {
        var problems = new List<string>();
        var options = new ForwardedHeadersOptions
        {
            ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto | ForwardedHeaders.XForwardedHost,
            // One proxy in front: the right-most forwarded value is the one it wrote.
            ForwardLimit = 1,
        };
        // The defaults trust loopback; only what the settings name is trusted here.
        options.KnownProxies.Clear();
        options.KnownIPNetworks.Clear();
        foreach (var (entry, i) in (settings.KnownProxies ?? []).Select((e, i) => (e, i)))
        {
            if (IPAddress.TryParse(entry?.Trim(), out var address)) options.KnownProxies.Add(address);
            else problems.Add($"{TrustedProxySettings.Section}:KnownProxies:{i}: '{entry}' is not an IP address");
        }
        foreach (var (entry, i) in (settings.KnownNetworks ?? []).Select((e, i) => (e, i)))
        {
            if (System.Net.IPNetwork.TryParse(entry?.Trim(), out var network)) options.KnownIPNetworks.Add(network);
            else problems.Add($"{TrustedProxySettings.Section}:KnownNetworks:{i}: '{entry}' is not a network in CIDR notation (10.0.0.0/24)");
        }
        if (problems.Count > 0) throw new InvalidOperationException(string.Join(Environment.NewLine, problems));
        return options.KnownProxies.Count + options.KnownIPNetworks.Count == 0 ? null : options;
    }

    public static void UseTrustedProxies(this WebApplication app)
    {
        var settings = app.Configuration.GetSection(TrustedProxySettings.Section).Get<TrustedProxySettings>() ?? new TrustedProxySettings();
        if (From(settings) is { } options) app.UseForwardedHeaders(options);
    }
}
