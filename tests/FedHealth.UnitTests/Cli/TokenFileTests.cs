using FedHealth.Cli.Jobs;
using FedHealth.Tests.Support;

namespace FedHealth.Tests.Cli;

/// <summary>
/// The command line's tokens file: one token per dashboard address, created for its owner alone (mode 600, folder 700),
/// refused when others may read it, and a token removed leaves the others.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class TokenFileTests : IDisposable
{
    private readonly TempFolder temp = new();

    [Fact]
    public void Tokens_are_kept_per_dashboard_in_a_file_only_its_owner_can_read()
    {
        var file = new TokenFile(Path.Combine(temp.Path, "config", "fedhealth", "tokens.json"));
        var at = new DateTimeOffset(2026, 12, 6, 10, 0, 0, TimeSpan.Zero);
        Assert.Null(file.Find(new Uri("http://127.0.0.1:5080")));
        file.Save(new Uri("http://127.0.0.1:5080/"), new StoredToken("first", at, "alice (SSO)", "lead"));
        file.Save(new Uri("https://dashboard.example/fl"), new StoredToken("second", at, "dora (SSO)", "auditor"));

        Assert.Equal("first", file.Find(new Uri("http://127.0.0.1:5080"))!.AccessToken);
        Assert.Equal(new StoredToken("second", at, "dora (SSO)", "auditor"), file.Find(new Uri("https://DASHBOARD.example/fl/")));
        Assert.Null(file.Find(new Uri("http://127.0.0.1:5081")));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file.Path));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(Path.GetDirectoryName(file.Path)!));
        Assert.Single(Directory.GetFiles(Path.GetDirectoryName(file.Path)!));

        Assert.True(file.Remove(new Uri("http://127.0.0.1:5080")));
        Assert.False(file.Remove(new Uri("http://127.0.0.1:5080")));
        Assert.Equal("second", file.Find(new Uri("https://dashboard.example/fl"))!.AccessToken);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file.Path));
    }

    [Fact]
    public void A_tokens_file_that_others_may_read_is_refused_saying_why_and_how_to_fix_it()
    {
        var file = new TokenFile(Path.Combine(temp.Path, "tokens.json"));
        file.Save(new Uri("http://127.0.0.1:5080"), new StoredToken("secret", DateTimeOffset.UtcNow, null, null));
        File.SetUnixFileMode(file.Path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        var refused = Assert.Throws<DashboardException>(() => file.Find(new Uri("http://127.0.0.1:5080")));
        Assert.Contains($"{file.Path}: other users may read or change it (mode 644)", refused.Message);
        Assert.Contains($"chmod 600 {file.Path}", refused.Message);
    }

    [Fact]
    public void A_damaged_tokens_file_is_named()
    {
        var file = new TokenFile(Path.Combine(temp.Path, "tokens.json"));
        File.WriteAllText(file.Path, "{\"http://x\": 3");
        File.SetUnixFileMode(file.Path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        Assert.StartsWith($"{file.Path}: not a tokens file", Assert.Throws<DashboardException>(() => file.Find(new Uri("http://x"))).Message);
    }

    public void Dispose() => temp.Dispose();
}
