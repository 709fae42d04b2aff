using System.Security.Cryptography;
using FedHealth.Dashboard.Security;

namespace FedHealth.Cli.Local;

/// <summary>
/// The local federation's dashboard accounts: on the first run, one account per role (lead, auditor, site-admin)
/// with a random password, written hashed to dashboard-accounts.json and in clear, once, to dashboard-passwords.txt
/// (readable only by the owner) so a newcomer can sign in. Later runs keep whatever accounts the file holds.
/// </summary>
public sealed class LocalAccounts
{
    public string File { get; }
    public string PasswordsFile { get; }
    private readonly bool created;

    private LocalAccounts(string file, string passwordsFile, bool created) => (File, PasswordsFile, this.created) = (file, passwordsFile, created);

    public static LocalAccounts Ensure(string dataDir)
    {
        var file = Path.Combine(dataDir, "dashboard-accounts.json");
        var passwordsFile = Path.Combine(dataDir, "dashboard-passwords.txt");
        var store = new AccountStore(file);
        if (store.Load().Count > 0) return new LocalAccounts(file, passwordsFile, created: false);
        var lines = new List<string> { "# Dashboard sign-ins made by `fedhealth local` (change them with `fedhealth accounts add`)." };
        foreach (var role in DashboardRoles.All)
        {
            var password = NewPassword();
            store.Save(role, role, password);
            lines.Add($"{role} {password}");
        }
        System.IO.File.WriteAllLines(passwordsFile, lines);
        if (!OperatingSystem.IsWindows()) System.IO.File.SetUnixFileMode(passwordsFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        return new LocalAccounts(file, passwordsFile, created: true);
    }

    /// <summary>Where to find the sign-ins (the passwords themselves stay in the owner-only file, not in the console or logs).</summary>
    public string Describe() => created || System.IO.File.Exists(PasswordsFile)
        ? $"Sign in as lead, auditor or site-admin: the passwords are in {PasswordsFile}"
        : $"Sign in with an account of {File}";

    /// <summary>The password of a role's local account, as written on the first run (tests and scripts sign in with it).</summary>
    public static string PasswordOf(string dataDir, string user) =>
        System.IO.File.ReadLines(Path.Combine(dataDir, "dashboard-passwords.txt")).Where(l => !l.StartsWith('#')).Select(l => l.Split(' ', 2))
            .FirstOrDefault(p => p[0] == user)?[1] ?? throw new InvalidOperationException($"no local password for {user} in {dataDir}");

    private static string NewPassword() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(15)).Replace('+', 'x').Replace('/', 'y');
}
