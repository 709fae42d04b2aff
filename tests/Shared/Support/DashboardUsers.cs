using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using FedHealth.Dashboard.Security;

namespace FedHealth.Tests.Support;

/// <summary>A dashboard accounts file with one account per role, as an operator makes it with `fedhealth accounts add`.</summary>
public sealed class DashboardUsers
{
    public const string Password = "correct horse battery staple";
    public string File { get; }

    public DashboardUsers(string folder)
    {
        File = Path.Combine(folder, "dashboard-accounts.json");
        var store = new AccountStore(File);
        foreach (var role in DashboardRoles.All) store.Save(role, role, Password);
    }

    /// <summary>An HTTP client of the dashboard that signs in as this user with a bearer token on its first request.</summary>
    public static HttpClient Client(string baseAddress, string user) =>
        new(new BearerTokenHandler(baseAddress, user, Password) { InnerHandler = new HttpClientHandler() })
        {
            BaseAddress = new Uri(baseAddress), Timeout = TimeSpan.FromSeconds(30),
        };

    /// <summary>A bearer token for the user (what the SignalR client sends).</summary>
    public static async Task<string> Token(string baseAddress, string user, string password = Password)
    {
        using var http = new HttpClient { BaseAddress = new Uri(baseAddress), Timeout = TimeSpan.FromSeconds(30) };
        var response = await http.PostAsJsonAsync("/api/token", new SignInRequest(user, password));
        if (response.StatusCode != HttpStatusCode.OK)
            throw new HttpRequestException($"sign-in of {user} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        var token = await response.Content.ReadFromJsonAsync<TokenResponse>();
        return token!.AccessToken;
    }

    private sealed record TokenResponse(string AccessToken);

    /// <summary>Gets a token on first use (the dashboard may still be starting: a failure leaves it to the next request).</summary>
    private sealed class BearerTokenHandler(string baseAddress, string user, string password) : DelegatingHandler
    {
        private string? token;

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            token ??= await Token(baseAddress, user, password);
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            return await base.SendAsync(request, cancellationToken);
        }
    }
}
