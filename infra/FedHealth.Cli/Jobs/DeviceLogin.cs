using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using FedHealth.Dashboard.Security.Device;

namespace FedHealth.Cli.Jobs;

/// <summary>
/// `fedhealth job login`'s side of device sign-in (RFC 8628): asks the dashboard for a code, tells its person where to
/// enter it (on <paramref name="prompt"/>, standard error, so standard output stays for the token or JSON), and polls at the
/// dashboard's interval (5 s more after each slow_down) until the code is approved, denied or expired.
/// </summary>
public static class DeviceLogin
{
    /// <summary>The bearer token and its lifetime, once a signed-in person approved the code.</summary>
    public sealed record Approved(string AccessToken, TimeSpan ExpiresIn);

    public static async Task<Approved> Run(HttpClient http, string client, TextWriter prompt, CancellationToken cancellation)
    {
        var dashboard = http.BaseAddress!.ToString().TrimEnd('/');
        using var started = await DashboardConnection.Send(http,
            () => http.PostAsJsonAsync("/api/device", new DeviceAuthorizationRequest(client), DashboardConnection.Json, cancellation),
            "start a device sign-in");
        var start = await started.Content.ReadFromJsonAsync<DeviceAuthorization>(DashboardConnection.Json, cancellation)
            ?? throw new DashboardException($"start a device sign-in at {dashboard}: the dashboard answered nothing");
        // The page's address as this command line reached the dashboard: behind a proxy that ends TLS, the dashboard's own
        // idea of its address (verificationUri) can be an inner one.
        await prompt.WriteLineAsync($"To sign in, open {dashboard}{DeviceSignInApi.PagePath} in a browser signed in to the dashboard and enter the code " +
            $"{start.UserCode} (it expires in {start.ExpiresIn / 60} minutes). Waiting for approval...");
        var interval = TimeSpan.FromSeconds(Math.Max(start.Interval, 0.01));
        while (true)
        {
            await Task.Delay(interval, cancellation);
            using var response = await Poll(http, start.DeviceCode, cancellation);
            if (response.IsSuccessStatusCode)
            {
                using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellation));
                var root = body.RootElement;
                return root.TryGetProperty("accessToken", out var token) && token.GetString() is { Length: > 0 } accessToken
                    && root.TryGetProperty("expiresIn", out var expires) && expires.TryGetInt64(out var seconds)
                    ? new Approved(accessToken, TimeSpan.FromSeconds(seconds))
                    : throw new DashboardException($"device sign-in at {dashboard}: the dashboard's answer has no accessToken and expiresIn");
            }
            switch (await Error(response, cancellation))
            {
                case DevicePoll.Pending: break;
                case DevicePoll.SlowDown: interval += DeviceSignInOptions.SlowDownStep; break;
                case DevicePoll.Denied: throw new DashboardException($"device sign-in at {dashboard}: denied in the browser; nothing was stored");
                case DevicePoll.Expired:
                    throw new DashboardException(
                        $"device sign-in at {dashboard}: the code {start.UserCode} expired before anyone approved it; run login again");
                case DevicePoll.Invalid:
                    throw new DashboardException($"device sign-in at {dashboard}: the dashboard no longer knows this request (it restarted, or the code " +
                        "was used already); run login again");
                case var other:
                    throw new DashboardException($"device sign-in at {dashboard}: the dashboard answered {(int)response.StatusCode} {other}");
            }
        }
    }

    private static async Task<HttpResponseMessage> Poll(HttpClient http, string deviceCode, CancellationToken cancellation)
    {
        try { return await http.PostAsJsonAsync("/api/device/token", new DeviceTokenRequest(deviceCode), DashboardConnection.Json, cancellation); }
        catch (HttpRequestException e) { throw new DashboardException($"device sign-in at {http.BaseAddress}: {e.Message}"); }
    }

    /// <summary>The RFC 8628 error of a 400 answer, or what else the dashboard said.</summary>
    private static async Task<string> Error(HttpResponseMessage response, CancellationToken cancellation)
    {
        var text = await response.Content.ReadAsStringAsync(cancellation);
        try
        {
            using var body = JsonDocument.Parse(text);
            if (body.RootElement.ValueKind == JsonValueKind.Object && body.RootElement.TryGetProperty("error", out var error) && error.GetString() is { } e)
                return response.StatusCode == HttpStatusCode.BadRequest ? e : $"({e})";
        }
        catch (JsonException) { }
        return text;
    }
}
