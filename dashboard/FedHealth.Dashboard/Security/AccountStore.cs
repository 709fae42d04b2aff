using System.Text.Json;
using Microsoft.AspNetCore.Identity;

namespace FedHealth.Dashboard.Security;

/// <summary>
/// The dashboard's local accounts, kept in a JSON file (Dashboard:AccountsFile). Passwords are hashed with ASP.NET
/// Core Identity's PasswordHasher (PBKDF2, per-password salt); the file never holds a password. Adding an account
/// rewrites the file through a temporary file, so a crash or a bad entry never loses the accounts already there.
/// </summary>
public sealed class AccountStore(string path)
{
    public const int MinPasswordLength = 12;
    private static readonly PasswordHasher<DashboardAccount> Hasher = new();
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public string Path { get; } = path;

    public IReadOnlyList<DashboardAccount> Load()
    {
        if (!File.Exists(Path)) return [];
        List<DashboardAccount>? accounts;
        try { accounts = JsonSerializer.Deserialize<List<DashboardAccount>>(File.ReadAllText(Path), Json); }
        catch (JsonException e) { throw new InvalidDataException($"{Path}: not a list of accounts ({e.Message})", e); }
        var list = accounts ?? [];
        for (var i = 0; i < list.Count; i++)
            if (Problem(list[i].User, list[i].Role) is { } problem) throw new InvalidDataException($"{Path}: account {i + 1}: {problem}");
        return list;
    }

    /// <summary>Adds or replaces an account; the password is checked and hashed here.</summary>
    public void Save(string user, string role, string password)
    {
        if (Problem(user, role) is { } problem) throw new ArgumentException(problem);
        if (password.Length < MinPasswordLength) throw new ArgumentException($"password: must be at least {MinPasswordLength} characters");
        var account = new DashboardAccount { User = user, Role = role, PasswordHash = "" };
        account = account with { PasswordHash = Hasher.HashPassword(account, password) };
        var accounts = Load().Where(a => !string.Equals(a.User, user, StringComparison.OrdinalIgnoreCase)).Append(account)
            .OrderBy(a => a.User, StringComparer.Ordinal).ToList();
        Write(accounts);
    }

    public bool Remove(string user)
    {
        var accounts = Load().ToList();
        var removed = accounts.RemoveAll(a => string.Equals(a.User, user, StringComparison.OrdinalIgnoreCase)) > 0;
        if (removed) Write(accounts);
        return removed;
    }

    /// <summary>
    /// The account as the file holds it now, or null. The file is read on every call (it is small) and parsed again only
    /// when its bytes changed: a modification time can stay the same across two quick saves, and a revocation must not be missed.
    /// </summary>
    public DashboardAccount? Find(string user)
    {
        var bytes = File.Exists(Path) ? File.ReadAllBytes(Path) : [];
        var cached = cache;
        if (cached is null || !cached.Value.Bytes.AsSpan().SequenceEqual(bytes)) cache = cached = (bytes, bytes.Length == 0 ? [] : Load());
        return cached.Value.Accounts.FirstOrDefault(a => string.Equals(a.User, user, StringComparison.OrdinalIgnoreCase));
    }

    private (byte[] Bytes, IReadOnlyList<DashboardAccount> Accounts)? cache;

    /// <summary>The account when the password is right; null otherwise (an unknown user costs the same hash time).</summary>
    public DashboardAccount? SignIn(string user, string password)
    {
        var account = Load().FirstOrDefault(a => string.Equals(a.User, user, StringComparison.OrdinalIgnoreCase));
        var probe = account ?? new DashboardAccount { User = user, Role = "", PasswordHash = DummyHash };
        var verdict = Hasher.VerifyHashedPassword(probe, probe.PasswordHash, password);
        return account is not null && verdict != PasswordVerificationResult.Failed ? account : null;
    }

    private static readonly string DummyHash = Hasher.HashPassword(new DashboardAccount { User = "", Role = "", PasswordHash = "" }, Guid.NewGuid().ToString());

    private static string? Problem(string user, string role)
    {
        if (string.IsNullOrWhiteSpace(user) || user.Length > 64 || user.Any(c => char.IsWhiteSpace(c) || char.IsControl(c)))
            return $"user: '{user}' must be 1..64 characters without spaces";
        if (!DashboardRoles.IsKnown(role)) return $"role: '{role}' is not one of {string.Join(", ", DashboardRoles.All)}";
        return null;
    }

    private void Write(IReadOnlyList<DashboardAccount> accounts)
    {
        var directory = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(Path))!;
        Directory.CreateDirectory(directory);
        var temporary = System.IO.Path.Combine(directory, $".{System.IO.Path.GetFileName(Path)}.{Guid.NewGuid():N}.tmp");
        File.WriteAllText(temporary, JsonSerializer.Serialize(accounts, Json));
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(temporary, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        File.Move(temporary, Path, overwrite: true);
    }
}
