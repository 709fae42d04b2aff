using System.Text.Json;

namespace FedHealth.Cli.Jobs;

/// <summary>
/// The tokens `fedhealth job login` keeps for its user, one per dashboard address, in
/// <c>$XDG_CONFIG_HOME/fedhealth/tokens.json</c> (else <c>~/.config/fedhealth/tokens.json</c>). The file is created with mode
/// 600 (its folder 700) and written through a temporary file of the same mode; a file that other users can read or write
/// is refused, not read: its tokens may have been copied.
/// </summary>
public sealed class TokenFile(string path)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };
    private const UnixFileMode OthersMayTouch = UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.OtherRead | UnixFileMode.OtherWrite;

    public string Path { get; } = path;

    public static string DefaultPath()
    {
        var config = Environment.GetEnvironmentVariable("XDG_CONFIG_HOME") is { Length: > 0 } xdg && System.IO.Path.IsPathRooted(xdg)
            ? xdg : System.IO.Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".config");
        return System.IO.Path.Combine(config, "fedhealth", "tokens.json");
    }

    /// <summary>The dashboard address as tokens are keyed: scheme, host, port and path, without a trailing slash.</summary>
    public static string Key(Uri dashboard) => dashboard.GetLeftPart(UriPartial.Authority) + dashboard.AbsolutePath.TrimEnd('/');

    public StoredToken? Find(Uri dashboard) => Load().GetValueOrDefault(Key(dashboard));

    public void Save(Uri dashboard, StoredToken token)
    {
        var tokens = Load();
        tokens[Key(dashboard)] = token;
        Write(tokens);
    }

    /// <summary>Removes the dashboard's token; false when none was stored.</summary>
    public bool Remove(Uri dashboard)
    {
        var tokens = Load();
        if (!tokens.Remove(Key(dashboard))) return false;
        Write(tokens);
        return true;
    }

    private Dictionary<string, StoredToken> Load()
    {
        if (!File.Exists(Path)) return new(StringComparer.Ordinal);
        if (!OperatingSystem.IsWindows() && (File.GetUnixFileMode(Path) & OthersMayTouch) != 0)
            throw new DashboardException($"{Path}: other users may read or change it (mode {Mode(File.GetUnixFileMode(Path))}), so its tokens may have " +
                $"been copied; not read. Delete it and sign in again (fedhealth job login), or make it yours alone: chmod 600 {Path}");
        try
        {
            var tokens = JsonSerializer.Deserialize<Dictionary<string, StoredToken>>(File.ReadAllText(Path), Json);
            return new Dictionary<string, StoredToken>(tokens ?? [], StringComparer.Ordinal);
        }
        catch (JsonException e) { throw new DashboardException($"{Path}: not a tokens file ({e.Message}); delete it and sign in again"); }
    }

    private void Write(Dictionary<string, StoredToken> tokens)
    {
        var folder = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(Path))!;
        if (OperatingSystem.IsWindows()) Directory.CreateDirectory(folder);
        else Directory.CreateDirectory(folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var temporary = System.IO.Path.Combine(folder, $".{System.IO.Path.GetFileName(Path)}.{Guid.NewGuid():N}.tmp");
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        try
        {
            using (var stream = new FileStream(temporary, options)) JsonSerializer.Serialize(stream, tokens, Json);
            File.Move(temporary, Path, overwrite: true);
        }
        finally { File.Delete(temporary); }
    }

    private static string Mode(UnixFileMode mode) => Convert.ToString((int)mode, 8);
}
