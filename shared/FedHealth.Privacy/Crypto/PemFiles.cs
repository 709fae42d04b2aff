namespace FedHealth.Privacy.Crypto;

/// <summary>Private key files: created readable by their owner only (mode 600) before the key is written into them.</summary>
public static class PemFiles
{
    public static void WritePrivate(string path, string pem)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        if (OperatingSystem.IsWindows()) { File.WriteAllText(path, pem); return; }
        using var stream = new FileStream(path, new FileStreamOptions
        {
            Mode = FileMode.Create, Access = FileAccess.Write, UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
        });
        using (var writer = new StreamWriter(stream)) writer.Write(pem);
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
    }
}
