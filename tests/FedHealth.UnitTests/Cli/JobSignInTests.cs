using FedHealth.Cli.Jobs;
using FedHealth.Tests.Support;

namespace FedHealth.Tests.Cli;

/// <summary>
/// The order in which `fedhealth job` verbs sign in: a given token, else the unexpired stored one for the dashboard,
/// else user and password; an expired stored token with no password at hand stops, saying what to run.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class JobSignInTests : IDisposable
{
    private static readonly Uri Dashboard = new("http://127.0.0.1:5080/");
    private static readonly DateTimeOffset Now = new(2026, 12, 6, 12, 0, 0, TimeSpan.Zero);
    private readonly TempFolder temp = new();
    private TokenFile File => new(Path.Combine(temp.Path, "tokens.json"));

    [Fact]
    public void A_given_token_comes_first_then_the_stored_unexpired_one_then_user_and_password()
    {
        Assert.Equal((null, null), JobSignIn.Token(null, File, Dashboard, hasPassword: true, Now));
        File.Save(Dashboard, new StoredToken("stored", Now.AddMinutes(1), "alice (SSO)", "lead"));
        Assert.Equal("given", JobSignIn.Token("given", File, Dashboard, hasPassword: true, Now).Token);
        var (token, origin) = JobSignIn.Token(null, File, Dashboard, hasPassword: true, Now);
        Assert.Equal("stored", token);
        Assert.Contains("run fedhealth job login --url http://127.0.0.1:5080 again", origin);
        Assert.Equal((null, null), JobSignIn.Token(null, File, new Uri("http://127.0.0.1:5081"), hasPassword: true, Now));
    }

    [Fact]
    public void An_expired_stored_token_says_when_it_expired_and_what_to_run_unless_a_password_is_at_hand()
    {
        File.Save(Dashboard, new StoredToken("stored", Now, "alice (SSO)", "lead"));
        var expired = Assert.Throws<DashboardException>(() => JobSignIn.Token(null, File, Dashboard, hasPassword: false, Now));
        Assert.Equal("signed-in session for http://127.0.0.1:5080 expired at 2026-12-06 12:00:00Z: run fedhealth job login --url http://127.0.0.1:5080",
            expired.Message);
        Assert.Equal((null, null), JobSignIn.Token(null, File, Dashboard, hasPassword: true, Now));
    }

    public void Dispose() => temp.Dispose();
}
