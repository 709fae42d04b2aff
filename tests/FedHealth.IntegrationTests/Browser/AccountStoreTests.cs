using FedHealth.Dashboard.Security;
using FedHealth.Tests.Support;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace FedHealth.Tests.Browser;

/// <summary>The dashboard's local accounts: hashed, checked, and never lost to a bad entry.</summary>
public sealed class AccountStoreTests : IDisposable
{
    private readonly TempFolder temp = new();

    [Fact]
    public void Passwords_are_stored_only_as_salted_hashes_and_check_on_sign_in()
    {
        var store = new AccountStore(Path.Combine(temp.Path, "accounts.json"));
        store.Save("alice", DashboardRoles.Lead, "a long enough password");
        store.Save("bob", DashboardRoles.Auditor, "a long enough password");
        var text = File.ReadAllText(store.Path);
        Assert.DoesNotContain("a long enough password", text);
        var hashes = store.Load().Select(a => a.PasswordHash).ToList();
        Assert.NotEqual(hashes[0], hashes[1]);
        Assert.Equal(DashboardRoles.Lead, store.SignIn("ALICE", "a long enough password")?.Role);
        Assert.Null(store.SignIn("alice", "a long enough passwore"));
        Assert.Null(store.SignIn("carol", "a long enough password"));
    }

    [Fact]
    public void Bad_accounts_are_refused_naming_the_field_and_the_file_keeps_what_it_had()
    {
        var store = new AccountStore(Path.Combine(temp.Path, "accounts.json"));
        store.Save("alice", DashboardRoles.Lead, "a long enough password");
        var before = File.ReadAllText(store.Path);
        Assert.StartsWith("password:", Assert.Throws<ArgumentException>(() => store.Save("bob", DashboardRoles.Lead, "short")).Message);
        Assert.StartsWith("role: 'admin'", Assert.Throws<ArgumentException>(() => store.Save("bob", "admin", "a long enough password")).Message);
        Assert.StartsWith("user:", Assert.Throws<ArgumentException>(() => store.Save("bob smith", DashboardRoles.Lead, "a long enough password")).Message);
        Assert.Equal(before, File.ReadAllText(store.Path));
    }

    [Fact]
    public void A_damaged_accounts_file_is_named_with_what_is_wrong()
    {
        var path = temp.File("accounts.json", """[{"user":"alice","role":"superuser","passwordHash":"x"}]""");
        Assert.Equal($"{path}: account 1: role: 'superuser' is not one of lead, auditor, site-admin",
            Assert.Throws<InvalidDataException>(() => new AccountStore(path).Load()).Message);
        var broken = temp.File("broken.json", "[{");
        Assert.StartsWith($"{broken}: not a list of accounts", Assert.Throws<InvalidDataException>(() => new AccountStore(broken).Load()).Message);
    }

    [Fact]
    public void The_dashboard_does_not_start_without_accounts_and_says_how_to_make_one()
    {
        var none = new ConfigurationBuilder().Build();
        Assert.Contains("fedhealth accounts add", Assert.Throws<InvalidOperationException>(() => new ServiceCollection().AddDashboardSecurity(none)).Message);
        var empty = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Dashboard:AccountsFile"] = temp.File("empty.json", "[]") }).Build();
        Assert.Contains("holds no account", Assert.Throws<InvalidOperationException>(() => new ServiceCollection().AddDashboardSecurity(empty)).Message);
    }

    public void Dispose() => temp.Dispose();
}
