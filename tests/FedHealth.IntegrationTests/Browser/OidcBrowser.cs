using System.Net;
using System.Net.Http.Json;
using FedHealth.Dashboard.Security;
using FedHealth.Tests.Support;
using Microsoft.AspNetCore.WebUtilities;

namespace FedHealth.Tests.Browser;

/// <summary>
/// A browser as HTTP sees it: one cookie jar for every host, redirects followed one by one (so a test can stop at
/// one, or carry it to another browser), forms posted as a person would.
/// </summary>
public sealed class OidcBrowser(string dashboard) : IDisposable
{
    private readonly HttpClient http = new(new HttpClientHandler { CookieContainer = new CookieContainer(), AllowAutoRedirect = false })
    {
        Timeout = TimeSpan.FromSeconds(30),
    };

    /// <summary>Every address this browser was sent to, in order.</summary>
    public List<Uri> Visited { get; } = [];

    /// <summary>
    /// Follows redirects from <paramref name="request"/> until a page answers, or until the next address is one
    /// <paramref name="stopBefore"/> picks.
    /// </summary>
    public async Task<HttpResponseMessage> Go(HttpRequestMessage request, Func<Uri, bool>? stopBefore = null)
    {
        for (var hop = 0; hop < 20; hop++)
        {
            Visited.Add(request.RequestUri!);
            var response = await http.SendAsync(request);
            if ((int)response.StatusCode is not (301 or 302 or 303 or 307) || response.Headers.Location is not { } location) return response;
            var next = new Uri(request.RequestUri!, location);
            if (stopBefore?.Invoke(next) == true) { Visited.Add(next); return response; }
            request = new HttpRequestMessage(HttpMethod.Get, next);
        }
        throw new InvalidOperationException($"more than 20 redirects: {string.Join(" → ", Visited.TakeLast(5))}");
    }

    public Task<HttpResponseMessage> Get(string url, Func<Uri, bool>? stopBefore = null) => Go(new HttpRequestMessage(HttpMethod.Get, url), stopBefore);

    /// <summary>
    /// Presses the page's "Sign in with ..." button and signs in at the provider's login form with <paramref name="user"/>;
    /// answers where the redirects ended (the dashboard's page, or its refusal), or the last redirect before <paramref name="stopBefore"/>.
    /// </summary>
    public async Task<HttpResponseMessage> SignInThroughProvider(string user, string password, Func<Uri, bool>? stopBefore = null)
    {
        var form = await Get(dashboard + OidcSignIn.StartPath);
        var login = Visited[^1];
        Assert.True(form.StatusCode == HttpStatusCode.OK && login.AbsolutePath == "/login",
            $"expected the provider's login form, got {(int)form.StatusCode} at {login}");
        var returnUrl = QueryHelpers.ParseQuery(login.Query)["returnUrl"].ToString();
        return await Go(new HttpRequestMessage(HttpMethod.Post, new Uri(login, "/login"))
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["returnUrl"] = returnUrl, ["user"] = user, ["password"] = password }),
        }, stopBefore);
    }

    public async Task<SessionInfo> Session() => (await http.GetFromJsonAsync<SessionInfo>(dashboard + "/api/session", ProcessFederation.Json))!;

    /// <summary>A change as the page makes it: the session cookie and the anti-forgery token <see cref="Session"/> handed out.</summary>
    public async Task<HttpResponseMessage> Post(string path, object body, bool withAntiforgery = true)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, dashboard + path) { Content = JsonContent.Create(body) };
        if (withAntiforgery) request.Headers.Add(DashboardSecurity.CsrfHeader, (await Session()).Csrf);
        return await http.SendAsync(request);
    }

    public Task<HttpResponseMessage> Send(HttpRequestMessage request) => http.SendAsync(request);

    public void Dispose() => http.Dispose();
}
