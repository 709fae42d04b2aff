using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace FedHealth.Cli.Jobs;

/// <summary>A problem talking to the dashboard, said in one line (what was asked, where, and the dashboard's answer).</summary>
public sealed class DashboardException(string message) : Exception(message);

/// <summary>
/// The dashboard's HTTP API as `fedhealth job` uses it, signed in with the same accounts and roles as the web page: a
/// bearer token from <c>/api/token</c> (user and password), or one given. The dashboard enforces the role (a lead
/// submits, stops and resumes; an auditor only reads).
/// </summary>
public sealed class DashboardConnection : IDisposable
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals, WriteIndented = true,
    };

    private readonly HttpClient http;

    private readonly string? tokenOrigin;

    private DashboardConnection(HttpClient http, string? tokenOrigin) => (this.http, this.tokenOrigin) = (http, tokenOrigin);

    public Uri BaseAddress => http.BaseAddress!;

    /// <summary>The dashboard's address as given (--url), or a clear refusal.</summary>
    public static Uri Address(string url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var address) && address.Scheme is "http" or "https"
            ? address : throw new DashboardException($"--url: '{url}' is not an http(s) address of a dashboard");

    /// <summary>A client for the dashboard that is not signed in (device sign-in).</summary>
    public static HttpClient Anonymous(Uri address) => new() { BaseAddress = address, Timeout = TimeSpan.FromSeconds(60) };

    /// <summary>
    /// Signed in with <paramref name="token"/> when given (<paramref name="tokenOrigin"/> says where it came from, for the
    /// message when the dashboard no longer takes it), else with <paramref name="user"/> and <paramref name="password"/>.
    /// </summary>
    public static async Task<DashboardConnection> Open(Uri address, string? token, string? tokenOrigin, string user, string? password,
        CancellationToken cancellation)
    {
        var http = Anonymous(address);
        try
        {
            if (token is null)
            {
                if (password is null)
                    throw new DashboardException("not signed in: run `fedhealth job login --url " + address.ToString().TrimEnd('/') + "` (people who sign in " +
                        "to the dashboard in a browser), give a token (--token, FEDHEALTH_TOKEN), or a local account's password " +
                        "(FEDHEALTH_PASSWORD, --password-stdin)");
                using var response = await Send(http, () => http.PostAsJsonAsync("/api/token", new { user, password }, Json, cancellation), "sign in");
                using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellation));
                token = body.RootElement.TryGetProperty("accessToken", out var t) ? t.GetString() : null;
                if (token is null) throw new DashboardException($"sign in at {address}: the answer has no accessToken");
            }
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
            return new DashboardConnection(http, tokenOrigin);
        }
        catch
        {
            http.Dispose();
            throw;
        }
    }

    public async Task Delete(string path, CancellationToken cancellation)
    {
        using var response = await Send(http, () => http.DeleteAsync(path, cancellation), $"DELETE {path}", tokenOrigin);
    }

    public async Task<T> Get<T>(string path, CancellationToken cancellation)
    {
        using var response = await Send(http, () => http.GetAsync(path, cancellation), $"GET {path}", tokenOrigin);
        return await Read<T>(response, path, cancellation);
    }

    public async Task<byte[]> GetBytes(string path, CancellationToken cancellation)
    {
        using var response = await Send(http, () => http.GetAsync(path, cancellation), $"GET {path}", tokenOrigin);
        return await response.Content.ReadAsByteArrayAsync(cancellation);
    }

    public async Task<T> Post<T>(string path, object body, CancellationToken cancellation)
    {
        using var response = await Send(http, () => http.PostAsJsonAsync(path, body, Json, cancellation), $"POST {path}", tokenOrigin);
        return await Read<T>(response, path, cancellation);
    }

    private static async Task<T> Read<T>(HttpResponseMessage response, string path, CancellationToken cancellation)
    {
        try
        {
            return await response.Content.ReadFromJsonAsync<T>(Json, cancellation)
                ?? throw new DashboardException($"{path}: the dashboard answered nothing");
        }
        catch (JsonException e) { throw new DashboardException($"{path}: the dashboard's answer is not what this client reads ({e.Message})"); }
    }

    /// <summary>Sends, and turns a refusal into its reason: the dashboard answers errors as <c>{"error": "..."}</c>.</summary>
    internal static async Task<HttpResponseMessage> Send(HttpClient http, Func<Task<HttpResponseMessage>> send, string what, string? tokenOrigin = null)
    {
        HttpResponseMessage response;
        try { response = await send(); }
        catch (HttpRequestException e) { throw new DashboardException($"{what} at {http.BaseAddress}: {e.Message}"); }
        catch (TaskCanceledException) when (!http.Timeout.Equals(Timeout.InfiniteTimeSpan))
        {
            throw new DashboardException($"{what} at {http.BaseAddress}: no answer within {http.Timeout.TotalSeconds:F0} s");
        }
        if (response.IsSuccessStatusCode) return response;
        var text = await response.Content.ReadAsStringAsync();
        response.Dispose();
        var reason = text;
        try
        {
            using var body = JsonDocument.Parse(text);
            if (body.RootElement.ValueKind == JsonValueKind.Object && body.RootElement.TryGetProperty("error", out var e)) reason = e.GetString() ?? text;
        }
        catch (JsonException) { }
        var status = (int)response.StatusCode;
        throw new DashboardException(response.StatusCode switch
        {
            HttpStatusCode.Unauthorized => tokenOrigin is not null
                ? $"{what}: the dashboard no longer takes the token {tokenOrigin}: it expired, was signed out, or the dashboard restarted"
                : $"{what}: not signed in (wrong user or password, or the token expired)",
            HttpStatusCode.Forbidden => $"{what}: this account's role may not do that",
            _ => $"{what}: the dashboard answered {status} {response.ReasonPhrase}{(reason.Length > 0 ? $": {reason}" : "")}",
        });
    }

    public void Dispose() => http.Dispose();
}
