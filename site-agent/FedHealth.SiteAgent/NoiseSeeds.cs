using System.Security.Cryptography;
using System.Text;

namespace FedHealth.SiteAgent;

/// <summary>
/// Seeds for the site's differential-privacy noise, derived with HMAC-SHA256 from a secret that never leaves the
/// site (a file in its state folder, created on first use). Anyone who could predict the noise could subtract it,
/// so it must not come from the job's public seed; deriving it per (job, round) keeps a site's own reruns repeatable.
/// </summary>
public sealed class NoiseSeeds(string secretPath)
{
    private byte[]? secret;

    public int SeedFor(Guid job, int round, string purpose)
    {
        secret ??= LoadOrCreate();
        var mac = HMACSHA256.HashData(secret, Encoding.UTF8.GetBytes($"{purpose}/{job}/{round}"));
        return BitConverter.ToInt32(mac, 0) & int.MaxValue;
    }

    private byte[] LoadOrCreate()
    {
        if (File.Exists(secretPath)) return File.ReadAllBytes(secretPath);
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(secretPath))!);
        var fresh = RandomNumberGenerator.GetBytes(32);
        File.WriteAllBytes(secretPath, fresh);
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(secretPath, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        return fresh;
    }
}
