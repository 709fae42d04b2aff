using System.CommandLine;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using FedHealth.Dashboard.Security;

namespace FedHealth.Cli.Jobs;

/// <summary>
/// How `fedhealth job` signs in: `job login` through the dashboard's page (device sign-in, for people who sign in there,
/// through the organisation's provider or with a local account), `job logout`, and the order every other verb follows.
/// </summary>
public static class JobSignIn
{
    internal static Command Login(JobOptions common)
    {
        var printToken = new Option<bool>("--print-token")
        {
            Description = "Print the token on standard output instead of storing it (for a script's FEDHEALTH_TOKEN)",
        };
        var command = new Command("login", "Sign in as you are signed in to the dashboard's page (a local account or the organisation's identity " +
            "provider): shows a code to enter at URL/device, then keeps the token (1 hour) in --tokens-file for the other verbs.") { printToken };
        command.SetAction((result, cancellation) => Guarded(result, async (output, error) =>
        {
            var address = DashboardConnection.Address(result.GetValue(common.Url)!);
            var key = TokenFile.Key(address);
            using var http = DashboardConnection.Anonymous(address);
            var approved = await DeviceLogin.Run(http, $"fedhealth job on {Environment.MachineName}", error, cancellation);
            var expiresAt = DateTimeOffset.UtcNow + approved.ExpiresIn;
            using var dashboard = await DashboardConnection.Open(address, approved.AccessToken, "just issued", "", null, cancellation);
            var who = await dashboard.Get<SessionInfo>("/api/session", cancellation);
            var signedIn = $"signed in to {key} as {who.User} ({who.Role}) until {expiresAt:u}";
            if (result.GetValue(printToken))
            {
                await output.WriteLineAsync(approved.AccessToken);
                await error.WriteLineAsync(signedIn);
                return 0;
            }
            var file = new TokenFile(result.GetValue(common.TokensFile)!);
            file.Save(address, new StoredToken(approved.AccessToken, expiresAt, who.User, who.Role));
            await output.WriteLineAsync(result.GetValue(common.Json)
                ? JsonSerializer.Serialize(new { url = key, user = who.User, role = who.Role, expiresAt, tokensFile = file.Path }, Compact)
                : $"{signedIn}; the token is in {file.Path}");
            return 0;
        }));
        return command;
    }

    internal static Command Logout(JobOptions common)
    {
        var command = new Command("logout", "End the session `job login` opened for --url, on the dashboard, and remove its stored token.");
        command.SetAction((result, cancellation) => Guarded(result, async (output, error) =>
        {
            var address = DashboardConnection.Address(result.GetValue(common.Url)!);
            var (key, file) = (TokenFile.Key(address), new TokenFile(result.GetValue(common.TokensFile)!));
            if (file.Find(address) is not { } stored)
            {
                await output.WriteLineAsync($"not signed in to {key}: {file.Path} holds no token for it");
                return 0;
            }
            var ended = stored.ExpiresAt <= DateTimeOffset.UtcNow ? "it had expired" : await EndSession(address, stored.AccessToken, cancellation);
            file.Remove(address);
            await output.WriteLineAsync($"signed out of {key} ({ended}); its token is removed from {file.Path}");
            return 0;
        }));
        return command;
    }

    /// <summary>DELETE /api/session with the token; a session the dashboard no longer has (401) counts as ended.</summary>
    private static async Task<string> EndSession(Uri address, string token, CancellationToken cancellation)
    {
        using var http = DashboardConnection.Anonymous(address);
        using var request = new HttpRequestMessage(HttpMethod.Delete, "/api/session");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        HttpResponseMessage response;
        try { response = await http.SendAsync(request, cancellation); }
        catch (HttpRequestException e)
        {
            throw new DashboardException($"sign out at {address}: {e.Message}; the token stays stored (it ends by itself within the hour)");
        }
        using (response)
            return response.StatusCode switch
            {
                HttpStatusCode.OK => "the dashboard ended its session",
                HttpStatusCode.Unauthorized => "the dashboard had ended its session already",
                _ => throw new DashboardException($"sign out at {address}: the dashboard answered {(int)response.StatusCode} {response.ReasonPhrase}; " +
                    "the token stays stored"),
            };
    }

    /// <summary>Runs a verb that signs in by itself; a refusal or an unreachable dashboard is one line on stderr and exit code 1.</summary>
    public static async Task<int> Guarded(ParseResult result, Func<TextWriter, TextWriter, Task<int>> verb)
    {
        var (output, error) = (result.InvocationConfiguration.Output, result.InvocationConfiguration.Error);
        try { return await verb(output, error); }
        catch (DashboardException e)
        {
            await error.WriteLineAsync($"error: {e.Message}");
            return 1;
        }
    }

    /// <summary>
    /// The token to sign in with, and where it came from: --token (or FEDHEALTH_TOKEN), else the unexpired one `job login`
    /// stored for this dashboard; none (user and password) otherwise. An expired stored token stops here, saying so,
    /// unless a password is at hand.
    /// </summary>
    public static (string? Token, string? Origin) Token(string? given, TokenFile file, Uri address, bool hasPassword, DateTimeOffset now)
    {
        if (given is { Length: > 0 }) return (given, "given with --token or FEDHEALTH_TOKEN");
        if (file.Find(address) is not { } stored) return (null, null);
        var key = TokenFile.Key(address);
        if (stored.ExpiresAt > now)
            return (stored.AccessToken, $"stored for {key} in {file.Path} (run fedhealth job login --url {key} again)");
        if (hasPassword) return (null, null);
        throw new DashboardException($"signed-in session for {key} expired at {stored.ExpiresAt:u}: run fedhealth job login --url {key}");
    }

    private static readonly JsonSerializerOptions Compact = new(DashboardConnection.Json) { WriteIndented = false };
}
